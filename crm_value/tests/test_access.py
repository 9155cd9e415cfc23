from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.crm_lifecycle.tests.common import CrmSuiteCase


@tagged("post_install", "-at_install")
class TestCrmValueAccess(CrmSuiteCase):
    def test_groups_imply(self):
        self.assertRoleGroups("crm_value.group_crm_value_user", "crm_value.group_crm_value_manager")
        manager = self.env.ref("crm_value.group_crm_value_manager")
        self.assertIn(self.env.ref("crm_lifecycle.group_crm_lifecycle_manager"), manager.trans_implied_ids)

    def test_value_report_opens_for_salesperson_and_manager(self):
        self.assertMenuOpens(self.salesperson, "crm_value.crm_value_menu")
        self.assertMenuOpens(self.sales_manager, "crm_value.crm_value_menu")
        # the reporting folder shows once it holds a report
        self.assertMenuOpens(self.salesperson, "crm_lifecycle.crm_lifecycle_reporting_menu")

    def test_settings_saved_by_administrator(self):
        company = self.assertSettingsBlock("crm_value_setting_container", "crm_value_period_months", 24)
        self.assertEqual(company.crm_value_period_months, 24)

    def test_settings_reject_bad_period(self):
        with self.assertRaisesRegex(ValidationError, "between 1 and 120"):
            self.env.company.crm_value_period_months = 0
        self.assertSettingsRefused(self.sales_manager)
