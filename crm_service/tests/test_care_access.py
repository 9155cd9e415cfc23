from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .care_common import CareCase


@tagged("post_install", "-at_install")
class TestCareAccess(CareCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.Rule.create(
            {
                "name": "Anniversary",
                "trigger": "anniversary",
                "action": "activity",
                "responsible": "service_rep",
                "catch_up_days": 100,
                "quiet_days": 0,
                "partner_domain": "[('ref', '=', 'care-test')]",
            }
        )
        cls.rule._crm_care_run(cls.date("2026-06-01"))
        cls.alpha_event = cls.Event.search([("rule_id", "=", cls.rule.id), ("partner_id", "=", cls.alpha.id)])
        cls.beta_event = cls.Event.search([("rule_id", "=", cls.rule.id), ("partner_id", "=", cls.beta.id)])

    def test_events_of_the_rule(self):
        self.assertEqual(
            (self.alpha_event.user_id, self.beta_event.user_id), (self.rep, self.other_salesperson)
        )

    def test_agent_does_own_work_only(self):
        self.alpha_event.with_user(self.rep).action_done("reached")
        self.assertEqual((self.alpha_event.state, self.alpha_event.done_uid), ("done", self.rep))
        # another agent reads the care of the company, but does not do someone else's
        self.assertEqual(self.beta_event.with_user(self.agent2).partner_id, self.beta)
        with self.assertRaises(AccessError):
            self.beta_event.with_user(self.agent2).action_done("reached")
        self.assertEqual(self.beta_event.state, "due")

    def test_salesperson_sees_and_does_own_customers_only(self):
        Event = self.Event.with_user(self.salesperson)
        visible = Event.search([("rule_id", "=", self.rule.id)])
        self.assertEqual(visible, self.alpha_event)
        with self.assertRaises(AccessError):
            self.beta_event.with_user(self.salesperson).read(["partner_id"])
        with self.assertRaises(AccessError):
            self.beta_event.with_user(self.salesperson).action_done("reached")
        self.alpha_event.with_user(self.salesperson).action_done("no_answer")
        self.assertEqual(self.alpha_event.outcome, "no_answer")

    def test_bookkeeping_not_written_by_hand(self):
        for user in (self.salesperson, self.rep, self.service_manager):
            with self.assertRaises(AccessError):
                self.alpha_event.with_user(user).write({"state": "done", "outcome": "upsell"})
        self.alpha_event.with_user(self.rep).note = "<p>Called, left a message.</p>"
        self.assertEqual(self.alpha_event.state, "due")
        with self.assertRaises(UserError):
            self.alpha_event.with_user(self.rep).action_done("not an outcome")
        with self.assertRaises(AccessError):
            self.Event.with_user(self.rep).create(
                {
                    "rule_id": self.rule.id,
                    "partner_id": self.alpha.id,
                    "company_id": self.company.id,
                    "period_key": "manual",
                    "due_date": "2026-06-01",
                }
            )

    def test_rules_managed_by_managers(self):
        self.assertEqual(self.rule.with_user(self.agent).name, "Anniversary")
        with self.assertRaises(AccessError):
            self.rule.with_user(self.agent).write({"quiet_days": 1})
        with self.assertRaises(AccessError):
            self.rule.with_user(self.salesperson).action_run_now()
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.agent).create({"name": "Mine", "trigger": "birthday"})
        self.rule.with_user(self.service_manager).action_run_now()

    def test_other_company_and_portal_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Care Company"})
        outsider_agent = new_test_user(
            self.env,
            login="care_other_company_agent",
            groups="crm_service.group_crm_service_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        self.assertFalse(self.Event.with_user(outsider_agent).search([("rule_id", "=", self.rule.id)]))
        with self.assertRaises(AccessError):
            self.alpha_event.with_user(outsider_agent).read(["partner_id"])
        with self.assertRaises(AccessError):
            self.rule.with_user(outsider_agent).read(["name"])
        portal = new_test_user(self.env, login="care_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.alpha_event.with_user(portal).read(["partner_id"])
        with self.assertRaises(AccessError):
            self.env["crm.care.report"].with_user(portal).search([])
