from odoo import Command
from odoo.modules.module import get_manifest
from odoo.tests import tagged

from odoo.addons.crm_lifecycle.tests.common import CrmSuiteCase


@tagged("post_install", "-at_install")
class TestCrmServiceInstall(CrmSuiteCase):
    def test_suite_installed_together(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["crm_lifecycle", "crm_value", "crm_service"])]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 3)
        for module in modules:
            # the database runs the code on disk, an Odoo 18.0 series version
            manifest_version = get_manifest(module.name)["version"]
            self.assertTrue(manifest_version.startswith("18.0."), manifest_version)
            self.assertEqual(module.installed_version, manifest_version)
        chain = {
            "crm_lifecycle": {"sale_crm", "sale_margin", "mail"},
            "crm_value": {"crm_lifecycle", "account", "sale_margin"},
            "crm_service": {"crm_value", "rating", "portal"},
        }
        for module in modules:
            self.assertEqual(set(module.dependencies_id.mapped("name")), chain[module.name])

    def test_groups_imply(self):
        """Managers are agents; sales managers are service managers; salespeople are no agents
        (they read the cases of their customers through their own rules)."""
        agent_group = self.env.ref("crm_service.group_crm_service_user")
        manager_group = self.env.ref("crm_service.group_crm_service_manager")
        self.assertIn(agent_group, manager_group.trans_implied_ids)
        self.assertIn(manager_group, self.env.ref("sales_team.group_sale_manager").trans_implied_ids)
        self.assertNotIn(agent_group, self.env.ref("sales_team.group_sale_salesman").trans_implied_ids)
        self.assertFalse(self.salesperson.has_group("crm_service.group_crm_service_user"))
        self.assertTrue(self.sales_manager.has_group("crm_service.group_crm_service_manager"))
        self.assertTrue(self.sales_manager.has_group("crm_service.group_crm_service_user"))

    def test_service_agent_without_sales_rights(self):
        """A pure service agent opens the Customer Service app, not the sales configuration."""
        agent = self.env["res.users"].create(
            {
                "name": "Sam Service",
                "login": "crm_service_agent",
                "groups_id": [Command.set(self.env.ref("crm_service.group_crm_service_user").ids)],
            }
        )
        self.assertMenuHidden(agent, "crm_service.crm_service_config_menu")
        self.assertMenuOpens(agent, "crm_service.crm_complaint_menu_all")
        self.assertMenuOpens(agent, "crm_service.crm_complaint_menu_my")
        self.assertFalse(agent.has_group("sales_team.group_sale_salesman"))

    def test_menus_open_for_salesperson_and_manager(self):
        self.assertMenuOpens(self.salesperson, "crm_service.crm_service_menu_root")
        self.assertMenuOpens(self.salesperson, "crm_service.crm_service_partner_menu")
        self.assertMenuOpens(self.salesperson, "crm_service.crm_complaint_menu_all")
        self.assertMenuHidden(self.salesperson, "crm_service.crm_complaint_menu_my")
        self.assertMenuHidden(self.salesperson, "crm_service.crm_service_config_menu")
        self.assertMenuOpens(self.sales_manager, "crm_service.crm_service_partner_menu")
        for xmlid in (
            "crm_complaint_menu_all",
            "crm_complaint_menu_my",
            "crm_service_team_menu",
            "crm_complaint_stage_menu",
            "crm_complaint_category_menu",
            "crm_complaint_root_cause_menu",
        ):
            self.assertMenuOpens(self.sales_manager, f"crm_service.{xmlid}")
        self.assertMenuOpens(self.administrator, "crm_service.crm_service_config_settings_menu")

    def test_settings_saved_by_administrator(self):
        company = self.assertSettingsBlock("crm_service_setting_container", "crm_service_portal", False)
        self.assertFalse(company.crm_service_portal)
        self.assertSettingsRefused(self.salesperson)
