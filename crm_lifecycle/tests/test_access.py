from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CrmSuiteCase


@tagged("post_install", "-at_install")
class TestCrmLifecycleAccess(CrmSuiteCase):
    def test_groups_imply(self):
        self.assertRoleGroups(
            "crm_lifecycle.group_crm_lifecycle_user", "crm_lifecycle.group_crm_lifecycle_manager"
        )

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
