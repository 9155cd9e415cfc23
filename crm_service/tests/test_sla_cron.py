# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .sla_common import SlaCase


@tagged("post_install", "-at_install")
class TestSlaCron(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.sla.escalation"].create(
            [
                {"policy_id": cls.standard.id, "trigger": "at_risk", "recipient": "assignee", "sequence": 1},
                {
                    "policy_id": cls.standard.id,
                    "trigger": "breach",
                    "recipient": "team_leader",
                    "sequence": 2,
                    "target": "response",
                },
                {
                    "policy_id": cls.standard.id,
                    "trigger": "after_breach",
                    "hours": 2,
                    "recipient": "service_manager",
                    "user_id": cls.manager.id,
                    "sequence": 3,
                    "target": "response",
                },
            ]
        )
        cls.Line = cls.env["crm.complaint.sla.line"]

    def run_cron(self):
        return self.Line._cron_sla_check()

    def activities(self, case):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.complaint"), ("res_id", "=", case.id)]
        )

    def test_nothing_due_does_nothing(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        with freeze_time("2026-03-31 10:00:00"):
            self.assertEqual(self.run_cron(), 0)
        self.assertEqual(case.sla_state, "ok")
        self.assertFalse(self.activities(case))

    def test_at_risk_then_failed_then_escalations_fire_once(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
            quiet = self.new_case(stage_id=self.stage_waiting.id)
        response = self.line(case, "response")
        # response warning at Tue 10:12, deadline Tue 11:00
        with freeze_time("2026-03-31 10:15:00"):
            self.run_cron()
        self.assertEqual(response.state, "at_risk")
        self.assertEqual(self.line(case, "resolution").state, "ok")
        self.assertEqual(case.sla_state, "at_risk")
        activities = self.activities(case)
        self.assertEqual(activities.user_id, self.agent, "the at-risk step tells the assignee")
        messages_after_risk = case.message_ids
        self.assertIn("at risk", messages_after_risk[0].body)

        with freeze_time("2026-03-31 10:20:00"):
            self.run_cron()
        self.assertEqual(len(self.activities(case)), 1, "a step fires once")

        with freeze_time("2026-03-31 11:05:00"):
            self.run_cron()
        self.assertEqual(response.state, "failed")
        self.assertEqual(case.sla_state, "failed")
        self.assertEqual(self.activities(case).user_id, self.agent | self.leader)
        mails = self.env["mail.mail"].search([("model", "=", "crm.complaint"), ("res_id", "=", case.id)])
        self.assertEqual(len(mails), 1)
        self.assertIn("leader@example.com", mails.email_to)
        self.assertIn("failed", case.message_ids[0].body)

        # two hours after the breach: the service manager; then nothing more
        with freeze_time("2026-03-31 13:01:00"):
            self.run_cron()
            self.run_cron()
        self.assertEqual(self.activities(case).user_id, self.agent | self.leader | self.manager)
        self.assertEqual(len(self.activities(case)), 3)
        self.assertEqual(len(response.fired_escalation_ids), 3)
        # the paused case was never flipped
        self.assertEqual(quiet.sla_line_ids.mapped("state"), ["paused", "paused"])
        self.assertFalse(self.activities(quiet))

    def test_met_target_is_not_escalated(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        with freeze_time("2026-03-27 15:30:00"):
            case.with_user(self.agent).message_post(
                body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with freeze_time("2026-04-10 09:00:00"):
            self.run_cron()
        self.assertEqual(self.line(case, "response").state, "reached")
        self.assertEqual(self.line(case, "resolution").state, "failed")
        # the breach steps watch the response target only
        self.assertFalse(self.activities(case))

    def test_failed_in_one_set_based_pass(self):
        with freeze_time("2026-03-27 15:00:00"):
            cases = (
                self.env["crm.complaint"]
                .with_user(self.agent)
                .create(
                    [
                        {
                            "subject": f"Case {index}",
                            "partner_id": self.customer.id,
                            "team_id": self.team.id,
                            "user_id": self.agent.id,
                            "stage_id": self.stage_new.id,
                        }
                        for index in range(30)
                    ]
                )
            )
        with freeze_time("2026-04-10 09:00:00"):
            self.run_cron()
        self.assertEqual(set(cases.mapped("sla_state")), {"failed"})
        self.assertEqual(
            set(cases.sla_line_ids.mapped("deadline")),
            {datetime(2026, 3, 31, 11, 0), datetime(2026, 4, 1, 17, 0)},
        )
        # response: breach and 2 h after breach, for each case
        self.assertEqual(len(cases.sla_line_ids.fired_escalation_ids), 2)
        self.assertEqual(sum(len(line.fired_escalation_ids) for line in cases.sla_line_ids), 60)

    def test_cron_job_reports_its_progress(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        cron = self.env.ref("crm_service.ir_cron_crm_sla_check")
        self.assertEqual((cron.interval_number, cron.interval_type), (5, "minutes"))
        with freeze_time("2026-04-10 09:00:00"):
            cron.method_direct_trigger()
        self.assertEqual(case.sla_state, "failed")
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        # 2 lines failed, then the breach and the 2-hours-after steps of the response line
        self.assertEqual(progress.done, 4)
        self.assertEqual(progress.remaining, 0)
