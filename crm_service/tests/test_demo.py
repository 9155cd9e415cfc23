# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_service import post_init_hook
from odoo.addons.crm_service.demo import demo_history


@tagged("post_install", "-at_install")
class TestServiceDemo(TransactionCase):
    """The demo cases get their past at install (demo/demo_history.py, run by the install hook
    with demo data only)."""

    def test_install_hook_without_demo_leaves_the_cases_alone(self):
        self.env.ref("base.module_crm_service").demo = False
        Case = self.env["crm.complaint"]
        cases = Case.search([])
        dates = cases.mapped("create_date")
        post_init_hook(self.env)
        self.env.invalidate_all()
        self.assertEqual(Case.search([]), cases)
        self.assertEqual(cases.mapped("create_date"), dates)

    def test_demo_cases_have_their_past(self):
        if not self.env.ref("base.module_crm_service").demo:
            self.skipTest("crm_service demo data is not loaded in this database")
        now = fields.Datetime.now()
        states = set()
        for xmlid, weeks, steps in demo_history.CASES:
            case = self.env.ref(f"crm_service.{xmlid}")
            states.add(case.state)
            self.assertTrue(case.sla_line_ids, xmlid)
            if weeks:
                self.assertLess(case.create_date, now - timedelta(weeks=weeks) + timedelta(days=1), xmlid)
            if "reply" in steps:
                self.assertTrue(case.first_response_date, xmlid)
                self.assertLessEqual(case.first_response_date, now, xmlid)
        self.assertEqual(
            states,
            {"new", "open", "waiting_customer", "waiting_third_party", "resolved", "closed", "cancelled"},
        )
        closed = self.env.ref("crm_service.crm_service_demo_case_closed_complaint")
        self.assertEqual(closed.rating_last_value, 5)
        self.assertTrue(all(closed.action_ids.mapped("done_date")))
        reopened = self.env.ref("crm_service.crm_service_demo_case_reopened")
        self.assertEqual(reopened.reopen_count, 1)
        escalated = self.env.ref("crm_service.crm_service_demo_case_escalated")
        self.assertEqual(escalated.team_id, self.env.ref("crm_service.crm_service_demo_team_technical"))
