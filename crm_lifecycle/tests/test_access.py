from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.modules.module import get_manifest, get_module_path
from odoo.tests import HttpCase, tagged

from .common import CrmSuiteCase


@tagged("post_install", "-at_install")
class TestCrmLifecycleAccess(CrmSuiteCase):
    def test_groups_imply(self):
        self.assertRoleGroups(
            "crm_lifecycle.group_crm_lifecycle_user", "crm_lifecycle.group_crm_lifecycle_manager"
        )

    def test_record_rules_live_in_security(self):
        """Record rules are declared in the security/ files of each addon, never among views,
        reports or data, where a consultant reviewing the security would not look for them."""
        for addon in ("crm_lifecycle", "crm_value", "crm_service"):
            manifest = get_manifest(addon)
            for path in manifest["data"] + manifest.get("demo", []):
                if not path.endswith(".xml"):
                    continue
                tree = etree.parse(f"{get_module_path(addon)}/{path}")
                rules = tree.xpath("//record[@model='ir.rule']/@id")
                if not path.startswith("security/"):
                    self.assertFalse(rules, f"{addon}/{path} declares the record rules {rules}")

    def test_menus_open_for_salesperson(self):
        self.assertMenuOpens(self.salesperson, "crm_lifecycle.crm_lifecycle_menu_root")
        self.assertMenuOpens(self.salesperson, "crm_lifecycle.crm_lifecycle_partner_menu")
        self.assertMenuHidden(self.salesperson, "crm_lifecycle.crm_lifecycle_config_menu")

    def test_menus_open_for_manager(self):
        self.assertMenuOpens(self.sales_manager, "crm_lifecycle.crm_lifecycle_partner_menu")
        self.assertMenuOpens(self.administrator, "crm_lifecycle.crm_lifecycle_config_settings_menu")

    def test_settings_saved_by_administrator(self):
        company = self.assertSettingsBlock("crm_lifecycle_setting_container", "crm_duplicate_check", False)
        self.assertFalse(company.crm_duplicate_check)

    def test_settings_out_of_range_refused_naming_setting_and_range(self):
        company = self.administrator.company_id.with_user(self.administrator)
        with self.assertRaises(ValidationError) as refused:
            company.crm_cost_guard_min_margin = 100.0
        self.assertEqual(
            refused.exception.args[0],
            f"Minimum Margin (%) of {company.name} must be at least 0 and less than 100, not 100.0.",
        )
        with self.assertRaises(ValidationError) as refused:
            company.crm_check_daily_limit = -1
        self.assertEqual(
            refused.exception.args[0], f"Daily Customer Checks of {company.name} cannot be negative, not -1."
        )
        company.write({"crm_cost_guard_min_margin": 99.5, "crm_check_daily_limit": 0})
        self.assertEqual(company.crm_cost_guard_min_margin, 99.5)

    def test_settings_refused_to_salesperson_and_manager(self):
        """Settings are Odoo's administrators' screen; salespeople never see them."""
        self.assertSettingsRefused(self.salesperson)
        self.assertMenuHidden(self.salesperson, "crm_lifecycle.crm_lifecycle_config_settings_menu")
        self.assertMenuHidden(self.sales_manager, "crm_lifecycle.crm_lifecycle_config_settings_menu")


@tagged("post_install", "-at_install")
class TestCrmLifecycleTour(HttpCase):
    def test_salesperson_opens_customers_app(self):
        user = self.env["res.users"].create(
            {
                "name": "Tour Salesperson",
                "login": "tour_salesperson",
                "password": "tour_salesperson",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        self.start_tour("/odoo", "crm_lifecycle_menu_tour", login=user.login)


@tagged("post_install", "-at_install")
class TestCrmLifecycleFlowTour(HttpCase):
    def test_salesperson_meets_duplicate_and_moves_customer(self):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        salesman = self.env.ref("sales_team.group_sale_salesman")
        rival = Users.create(
            {"name": "Rita Rival", "login": "tour_rival", "groups_id": [Command.set(salesman.ids)]}
        )
        user = Users.create(
            {
                "name": "Tour Seller",
                "login": "tour_seller",
                "password": "tour_seller",
                "groups_id": [Command.set(salesman.ids)],
            }
        )
        Partner = self.env["res.partner"].with_context(crm_lifecycle_managed=True)
        rival_customer = Partner.create(
            {
                "name": "Tour Rival Trading Ltd",
                "is_company": True,
                "user_id": rival.id,
                "phone": "+48 600 111 222",
            }
        )
        rival_customer.lifecycle_stage_id = self.env.ref("crm_lifecycle.stage_opportunity")
        own = Partner.create({"name": "Tour Own Prospect", "is_company": True, "user_id": user.id})
        self.assertEqual(own.lifecycle_stage_id, self.env.ref("crm_lifecycle.stage_pool"))
        count = self.env["res.partner"].search_count([])

        self.start_tour("/odoo", "crm_lifecycle_tour", login=user.login)

        self.assertEqual(self.env["res.partner"].search_count([]), count, "the duplicate was not created")
        self.assertEqual(own.lifecycle_stage_id, self.env.ref("crm_lifecycle.stage_qualified"))
        event = own.crm_event_ids.sorted("id")[-1]
        self.assertEqual((event.user_id, event.trigger), (user, "manual"))
