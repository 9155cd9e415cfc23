import datetime

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .care_common import CareCase


@tagged("post_install", "-at_install")
class TestCareTriggers(CareCase):
    def test_first_deal_after_n_days_once(self):
        rule = self.make_rule(trigger="first_deal", days=30)
        self.run_cron("2025-06-30")  # beta's first deal + 29 days: not yet
        self.assertFalse(self.events(rule))
        self.run_cron("2025-07-01")
        self.assertEqual(self.keys(rule), {(self.beta, "first_deal")})
        event = self.events(rule)
        self.assertEqual(event.due_date, self.date("2025-07-01"))
        self.assertEqual(event.user_id, self.other_salesperson)
        self.run_cron("2025-07-03")  # within the catch-up window, but already given
        self.assertEqual(len(self.events(rule)), 1)

    def test_first_deal_catch_up_window(self):
        rule = self.make_rule(trigger="first_deal", days=30, catch_up_days=3)
        self.run_cron("2025-07-05")  # due 4 days ago: past the window
        self.assertFalse(self.events(rule))
        rule.catch_up_days = 4
        self.run_cron("2025-07-05")
        self.assertEqual(self.events(rule).due_date, self.date("2025-07-01"))

    def test_anniversary_of_first_deal(self):
        rule = self.make_rule(trigger="anniversary")
        self.run_cron("2025-06-01")  # beta's first deal itself is no anniversary
        self.assertFalse(self.events(rule, self.beta))
        self.run_cron("2026-03-12")  # alpha: 2024-03-10, second anniversary two days ago
        self.assertEqual(self.keys(rule), {(self.alpha, "2026")})
        self.assertEqual(self.events(rule).due_date, self.date("2026-03-10"))
        self.run_cron("2026-06-01")
        self.assertEqual(self.keys(rule), {(self.alpha, "2026"), (self.beta, "2026")})

    def test_anniversary_across_new_year_and_leap_day(self):
        rule = self.make_rule(trigger="anniversary")
        self.alpha_score.sudo().write({"first_purchase_date": "2023-12-30"})
        self.beta_score.sudo().write({"first_purchase_date": "2024-02-29"})
        self.run_cron("2026-01-02")  # the anniversary of last year, 3 days ago
        self.assertEqual(self.keys(rule), {(self.alpha, "2025")})
        self.run_cron("2025-02-28")  # 29 February: the 28th in other years
        self.assertIn((self.beta, "2025"), self.keys(rule))

    def test_periodic_by_value_class(self):
        rule = self.make_rule(trigger="periodic", days=10, abc_class="A", catch_up_days=9)
        day = self.date("2026-04-01")
        self.run_cron(day.isoformat())
        # every class A customer once per cycle, on its own day of the cycle; class B none
        offset = ((day - self.date("2000-01-01")).days - self.alpha.id % 10) % 10
        start = day - datetime.timedelta(days=offset)
        self.assertEqual(self.keys(rule), {(self.alpha, f"{start.isoformat()}/10")})
        self.assertEqual(self.events(rule).due_date, start)
        self.run_cron((day + datetime.timedelta(days=1)).isoformat())
        self.assertEqual(len(self.events(rule)), 1 if offset < 9 else 2)
        self.run_cron((start + datetime.timedelta(days=10)).isoformat())
        following = (start + datetime.timedelta(days=10)).isoformat()
        self.assertIn((self.alpha, f"{following}/10"), self.keys(rule))
        self.assertFalse(self.events(rule, self.beta))

    def test_dormant_and_at_risk_from_churn_state(self):
        dormant = self.make_rule(trigger="dormant")
        at_risk = self.make_rule(trigger="at_risk", churn_rule_prefix="service_")
        self.beta_score.sudo().write({"churn_state": "dormant"})
        self.alpha_score.sudo().write(
            {"churn_state": "at_risk", "inputs": {"churn": {"rule": "service_sla_breach"}}}
        )
        self.run_cron("2026-02-01")
        self.assertEqual(self.keys(dormant), {(self.beta, "dormant/2025-11-20")})
        self.assertEqual(self.keys(at_risk), {(self.alpha, "at_risk/2026-01-15")})
        # the vendor outside the CRM flow is dormant too, but no rule touches it
        self.assertFalse(self.Event.search([("partner_id", "=", self.outsider.id)]))
        # still dormant the next month: the same episode, no second event
        self.run_cron("2026-03-01")
        self.assertEqual(len(self.events(dormant)), 1)
        # a reason that is not a service signal is not this rule's
        self.alpha_score.sudo().write(
            {
                "churn_state": "at_risk",
                "last_purchase_date": "2026-02-15",
                "inputs": {"churn": {"rule": "ratio"}},
            }
        )
        self.run_cron("2026-03-02")
        self.assertEqual(len(self.events(at_risk)), 1)

    def test_complaint_closed_follow_up(self):
        rule = self.make_rule(trigger="complaint_closed", days=7, responsible="service_rep")
        case = self.close_case(self.alpha_contact, "2026-05-04 15:00:00")
        self.run_cron("2026-05-10")
        self.assertFalse(self.events(rule))
        self.run_cron("2026-05-11")
        event = self.events(rule)
        self.assertEqual(
            (event.partner_id, event.complaint_id, event.period_key),
            (self.alpha, case, f"complaint/{case.id}"),
        )
        self.assertEqual(event.user_id, self.rep)

    def test_birthday_of_a_contact(self):
        rule = self.make_rule(trigger="birthday", catch_up_days=0)
        self.alpha_contact.crm_birthday = "1980-12-03"
        self.run_cron("2026-12-02")
        self.assertFalse(self.events(rule))
        self.run_cron("2026-12-03")
        event = self.events(rule)
        self.assertEqual((event.partner_id, event.contact_id), (self.alpha, self.alpha_contact))
        self.assertEqual(event.period_key, f"2026/{self.alpha_contact.id}")
        self.assertIn(self.alpha_contact.name, event.activity_id.summary)

    def test_filters_stage_service_model_and_domain(self):
        rule = self.make_rule(
            trigger="anniversary",
            catch_up_days=100,
            partner_domain=f"[('ref', '=', 'care-test'), ('id', '!=', {self.beta.id})]",
        )
        self.run_cron("2026-06-01")
        self.assertEqual({event.partner_id for event in self.events(rule)}, {self.alpha})
        by_model = self.make_rule(trigger="anniversary", service_model="dedicated")
        self.beta.service_model = "dedicated"
        self.run_cron("2026-06-01")
        self.assertEqual({event.partner_id for event in self.events(by_model)}, {self.beta})
        by_stage = self.make_rule(
            trigger="anniversary", lifecycle_stage_id=self.env.ref("crm_lifecycle.stage_pool").id
        )
        self.run_cron("2026-06-01")
        self.assertFalse(self.events(by_stage))

    def test_quiet_period_across_rules(self):
        first = self.make_rule(trigger="anniversary", sequence=1, quiet_days=14)
        second = self.make_rule(trigger="first_deal", days=0, sequence=2, quiet_days=14, catch_up_days=30)
        self.beta_score.sudo().write({"first_purchase_date": "2026-06-01"})
        self.alpha_score.sudo().write({"first_purchase_date": "2025-06-01"})
        self.run_cron("2026-06-01")
        # alpha's anniversary; beta's first deal (beta had no care before)
        self.assertEqual(self.keys(first), {(self.alpha, "2026")})
        self.assertEqual(self.keys(second), {(self.beta, "first_deal")})
        self.alpha_score.sudo().write({"first_purchase_date": "2026-06-02"})
        self.run_cron("2026-06-05")  # alpha's first deal now (data corrected), 4 days after its anniversary
        self.assertFalse(self.events(second, self.alpha))
        self.run_cron("2026-06-16")  # 15 days after the anniversary: the quiet period is over
        self.assertEqual(self.keys(second), {(self.beta, "first_deal"), (self.alpha, "first_deal")})

    def test_suppressed_by_open_complaint_except_its_follow_up(self):
        anniversary = self.make_rule(trigger="anniversary")
        follow_up = self.make_rule(trigger="complaint_closed", days=7)
        closed = self.close_case(self.alpha_contact, "2026-03-01 10:00:00")
        open_case = self.new_case(partner_id=self.alpha_contact.id)
        self.run_cron("2026-03-10")
        self.assertFalse(self.events(anniversary, self.alpha))
        self.assertEqual(self.events(follow_up).complaint_id, closed)
        # the open case resolved: the anniversary, within its catch-up window, comes after all
        open_case.with_user(self.agent).action_resolve()
        self.run_cron("2026-03-12")
        self.assertEqual(self.keys(anniversary), {(self.alpha, "2026")})

    def test_idempotent_cron_twice(self):
        rules = self.make_rule(trigger="anniversary") | self.make_rule(
            trigger="periodic", days=5, catch_up_days=4
        )
        self.run_cron("2026-06-01")
        before = [(e.rule_id, e.partner_id, e.period_key, e.activity_id) for e in self.events(rules)]
        self.assertTrue(before)
        self.run_cron("2026-06-01")
        after = [(e.rule_id, e.partner_id, e.period_key, e.activity_id) for e in self.events(rules)]
        self.assertEqual(before, after)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", (self.alpha | self.beta).ids)]
        )
        self.assertEqual(len(activities), len(before))

    def test_resumes_events_without_their_action(self):
        rule = self.make_rule(trigger="anniversary", catch_up_days=100)
        # a run that crashed after inserting the events, before their actions
        ids = rule._crm_care_insert(self.date("2026-06-01"), 1000)
        self.assertEqual(len(ids), 2)
        pending = self.Event.browse(ids)
        self.assertFalse(any(pending.mapped("action_applied")))
        self.assertFalse(pending.activity_id)
        self.run_cron("2026-06-02")
        self.assertEqual(self.events(rule), pending)
        self.assertTrue(all(pending.mapped("action_applied")))
        self.assertEqual(len(pending.activity_id), 2)

    def test_preview_count_and_run_now(self):
        rule = self.make_rule(trigger="anniversary", catch_up_days=400)
        self.assertEqual(rule.with_user(self.service_manager).preview_count, 2)
        rule.with_user(self.service_manager).action_run_now()
        self.assertEqual(len(self.events(rule)), 2)
        rule.invalidate_recordset(["preview_count"])
        self.assertEqual(rule.with_user(self.service_manager).preview_count, 0)

    def test_bad_rule_refused_with_its_name(self):
        with self.assertRaisesText(ValidationError, "Broken filter.*not valid"):
            self.make_rule(name="Broken filter", partner_domain="[('no_such_field', '=', 1)]")
        with self.assertRaisesText(ValidationError, "Mail without template.*template"):
            self.make_rule(name="Mail without template", action="mail_template")
        with self.assertRaisesText(ValidationError, "Every zero days.*1 day"):
            self.make_rule(name="Every zero days", trigger="periodic", days=0)

    def test_rule_form_of_a_manager(self):
        with Form(self.Rule.with_user(self.service_manager)) as form:
            form.name = "Call class A customers monthly"
            form.trigger = "periodic"
            form.days = 30
            form.abc_class = "A"
        rule = form.record
        self.assertEqual(
            (rule.company_id, rule.action, rule.responsible), (self.company, "activity", "owner")
        )
