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
        self.assertRoleGroups("crm_service.group_crm_service_user", "crm_service.group_crm_service_manager")

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
        self.assertFalse(agent.has_group("sales_team.group_sale_salesman"))

    def test_menus_open_for_salesperson_and_manager(self):
        self.assertMenuOpens(self.salesperson, "crm_service.crm_service_menu_root")
        self.assertMenuOpens(self.salesperson, "crm_service.crm_service_partner_menu")
        self.assertMenuHidden(self.salesperson, "crm_service.crm_service_config_menu")
        self.assertMenuOpens(self.sales_manager, "crm_service.crm_service_partner_menu")
        self.assertMenuOpens(self.administrator, "crm_service.crm_service_config_settings_menu")

    def test_settings_saved_by_administrator(self):
        company = self.assertSettingsBlock("crm_service_setting_container", "crm_service_portal", False)
        self.assertFalse(company.crm_service_portal)
        self.assertSettingsRefused(self.salesperson)
