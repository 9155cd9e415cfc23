# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .sla_common import SlaCase


@tagged("post_install", "-at_install")
class TestSlaRules(SlaCase):
    """A case on Friday 27 March 2026 at 15:00, 9-17 with lunch 12-13, Monday 30 a holiday."""

    def test_friday_case_through_pause_reply_resolve_reopen_and_rematch(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        response, resolution = self.line(case, "response"), self.line(case, "resolution")
        self.assertEqual(case.sla_policy_id, self.standard)
        # 4 h: Fri 15-17 (2 h), Monday off, Tue 9-11
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 11, 0))
        self.assertEqual(response.warn_date, datetime(2026, 3, 31, 10, 12))
        # 16 h: Fri 2, Tue 7 (9), Wed 9-12 (12), 13-17 (16): ends on the interval's end
        self.assertEqual(case.resolution_deadline, datetime(2026, 4, 1, 17, 0))
        self.assertEqual(resolution.warn_date, datetime(2026, 4, 1, 13, 48))
        self.assertEqual(case.sla_state, "ok")

        # waiting on the customer over the weekend: the clock stops after 1 h
        with freeze_time("2026-03-27 16:00:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_waiting.id})
        self.assertEqual((response | resolution).mapped("state"), ["paused", "paused"])
        self.assertEqual((response | resolution).mapped("consumed_hours"), [1.0, 1.0])
        self.assertFalse(case.response_deadline)
        self.assertFalse(case.resolution_deadline)
        self.assertEqual(case.sla_state, "paused")

        # back in progress on Tuesday 10:00: the hours left are planned from then
        with freeze_time("2026-03-31 10:00:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_open.id})
        # response 3 h left: Tue 10-12, 13-14
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 14, 0))
        # resolution 15 h left: Tue 6, Wed 7 (13), Thu 9-11
        self.assertEqual(case.resolution_deadline, datetime(2026, 4, 2, 11, 0))
        self.assertEqual(case.sla_state, "ok")

        # an internal note does not answer the customer, a public reply does
        with freeze_time("2026-03-31 10:30:00"):
            case.with_user(self.agent).message_post(
                body="Checked the logs", message_type="comment", subtype_xmlid="mail.mt_note"
            )
        self.assertFalse(response.reached_date)
        with freeze_time("2026-03-31 11:00:00"):
            case.with_user(self.agent).message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(response.state, "reached")
        self.assertEqual(response.reached_date, datetime(2026, 3, 31, 11, 0))
        self.assertEqual(response.consumed_hours, 2.0)
        self.assertEqual(case.first_response_date, datetime(2026, 3, 31, 11, 0))
        self.assertFalse(case.response_deadline)

        # resolved on Wednesday 10:00: 1 + 6 + 1 = 8 working hours used
        with freeze_time("2026-04-01 10:00:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_resolved.id})
        self.assertEqual(resolution.state, "reached")
        self.assertEqual(resolution.consumed_hours, 8.0)
        self.assertEqual(case.sla_state, "reached")

        # reopened on Thursday 9:00: 8 h left from there, Thu 7 h, Fri 9-10
        with freeze_time("2026-04-02 09:00:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_open.id})
        self.assertEqual(resolution.state, "ok")
        self.assertFalse(resolution.reached_date)
        self.assertEqual(case.resolution_deadline, datetime(2026, 4, 3, 10, 0))
        self.assertEqual(response.state, "reached", "the response target stays met")

        # critical at 10:00: the critical policy (12 h) keeps the 9 h used: 3 h left, Thu 10-12, 13-14
        with freeze_time("2026-04-02 10:00:00"):
            case.with_user(self.agent).write({"severity": "4"})
        self.assertEqual(case.sla_policy_id, self.critical)
        self.assertEqual(resolution.target_hours, 12.0)
        self.assertEqual(resolution.consumed_hours, 9.0)
        self.assertEqual(case.resolution_deadline, datetime(2026, 4, 2, 14, 0))
        # 80 % of 12 h = 9.6 h: 0.6 h after 10:00
        self.assertEqual(resolution.warn_date, datetime(2026, 4, 2, 10, 36))
        self.assertEqual(response.state, "reached")
        self.assertEqual(response.target_hours, 4.0, "a met target keeps the target it met")

        # resolved too late: failed, and failed stays failed when reopened
        with freeze_time("2026-04-02 15:00:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_resolved.id})
        self.assertEqual(resolution.state, "failed")
        self.assertEqual(case.sla_state, "failed")
        with freeze_time("2026-04-02 16:00:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_open.id})
        self.assertEqual(resolution.state, "failed")
        self.assertEqual(resolution.deadline, datetime(2026, 4, 2, 14, 0))

    def test_holiday_added_replans_running_deadlines(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
            answered = self.new_case()
            answered.with_user(self.agent).message_post(
                body="On it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with freeze_time("2026-03-28 10:00:00"):
            holiday = self.env["resource.calendar.leaves"].create(
                {
                    "name": "Extra holiday",
                    "calendar_id": self.calendar.id,
                    "date_from": datetime(2026, 3, 31, 0, 0),
                    "date_to": datetime(2026, 3, 31, 23, 59, 59),
                }
            )
        # Fri 2 h, Monday and Tuesday off: Wed 9-11; resolution Fri 2, Wed 7, Thu 7
        self.assertEqual(case.response_deadline, datetime(2026, 4, 1, 11, 0))
        self.assertEqual(case.resolution_deadline, datetime(2026, 4, 2, 17, 0))
        self.assertEqual(self.line(answered, "response").deadline, datetime(2026, 3, 31, 11, 0))
        with freeze_time("2026-03-28 11:00:00"):
            holiday.unlink()
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 11, 0))
        self.assertEqual(case.resolution_deadline, datetime(2026, 4, 1, 17, 0))

    def test_working_hours_changed_replans_running_deadlines(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        # Fri 15-17 (2 h) then Tue 9-11 (Monday is a holiday)
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 11, 0))
        tuesday_morning = self.calendar.attendance_ids.filtered(
            lambda attendance: attendance.dayofweek == "1" and attendance.day_period == "morning"
        )
        with freeze_time("2026-03-28 10:00:00"):
            # Tuesday morning starts at 10: the 2 hours left end at 12
            tuesday_morning.hour_from = 10
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 12, 0))
        with freeze_time("2026-03-28 10:05:00"):
            # no Tuesday morning at all: Tue 13-15
            tuesday_morning.unlink()
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 15, 0))
        with freeze_time("2026-03-28 10:10:00"):
            # the desk opens on Saturdays 9-17: Sat 9-11
            self.calendar.attendance_ids = [
                Command.create(
                    {
                        "name": "Saturday",
                        "dayofweek": "5",
                        "hour_from": 9,
                        "hour_to": 17,
                        "day_period": "morning",
                    }
                )
            ]
        self.assertEqual(case.response_deadline, datetime(2026, 3, 28, 11, 0))
        with freeze_time("2026-03-28 10:15:00"):
            # the same hours two time zones west (UTC-2): the clock started on Friday at 13:00
            # there, and the 4 hours fit in Friday afternoon, 13-17 local, 15-19 UTC
            self.calendar.tz = "Etc/GMT+2"
        self.assertEqual(case.response_deadline, datetime(2026, 3, 27, 19, 0))
        with freeze_time("2026-03-28 10:20:00"):
            # the policy counts around the clock from now on: Friday 15:00 + 4 hours
            self.standard.calendar_id = False
        self.assertEqual(case.sla_policy_id, self.standard)
        self.assertEqual(case.response_deadline, datetime(2026, 3, 27, 19, 0))
        self.assertEqual(case.resolution_deadline, datetime(2026, 3, 28, 7, 0))

    def test_pause_past_the_deadline_fails(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case(severity="4")
        # 1 h: Fri 16:00
        self.assertEqual(case.response_deadline, datetime(2026, 3, 27, 16, 0))
        with freeze_time("2026-03-27 16:30:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_waiting.id})
        self.assertEqual(self.line(case, "response").state, "failed")
        self.assertEqual(self.line(case, "resolution").state, "paused")
        self.assertEqual(case.sla_state, "failed")

    def test_cancelled_case_stops_the_clock(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        with freeze_time("2026-03-27 15:30:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_cancelled.id})
        self.assertEqual(case.sla_line_ids.mapped("state"), ["paused", "paused"])
        self.assertFalse(case.resolution_deadline)

    def test_case_created_in_a_paused_stage_starts_paused(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case(stage_id=self.stage_waiting.id)
        self.assertEqual(case.sla_line_ids.mapped("state"), ["paused", "paused"])
        with freeze_time("2026-03-31 09:00:00"):
            case.with_user(self.agent).write({"stage_id": self.stage_open.id})
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 14, 0))

    def test_batch_create_plans_every_case(self):
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
                            "stage_id": self.stage_new.id,
                            "severity": "4" if index % 2 else "2",
                        }
                        for index in range(20)
                    ]
                )
            )
        standard = cases.filtered(lambda case: case.severity == "2")
        critical = cases - standard
        self.assertEqual(set(standard.mapped("sla_policy_id")), {self.standard})
        self.assertEqual(set(critical.mapped("sla_policy_id")), {self.critical})
        self.assertEqual(set(standard.mapped("response_deadline")), {datetime(2026, 3, 31, 11, 0)})
        self.assertEqual(set(critical.mapped("response_deadline")), {datetime(2026, 3, 27, 16, 0)})
        self.assertEqual(len(cases.sla_line_ids), 40)

    def test_policy_matching_order_and_criteria(self):
        Policy = self.env["crm.sla.policy"]
        category = self.env["crm.complaint.category"].create({"name": "Hardware"})
        sub = self.env["crm.complaint.category"].create({"name": "Printers", "parent_id": category.id})
        hardware = Policy.create(
            {
                "name": "Hardware",
                "sequence": -30,
                "category_ids": [(6, 0, category.ids)],
                "response_hours": 2,
                "resolution_hours": 8,
            }
        )
        dedicated = Policy.create(
            {
                "name": "Dedicated",
                "sequence": -40,
                "service_model": "dedicated",
                "response_hours": 1,
                "resolution_hours": 8,
            }
        )
        filtered = Policy.create(
            {
                "name": "Filtered",
                "sequence": -50,
                "domain": "[('partner_id.name', '=', 'Nobody')]",
                "response_hours": 1,
                "resolution_hours": 2,
            }
        )
        with freeze_time("2026-03-27 15:00:00"):
            printer = self.new_case(category_id=sub.id)
            plain = self.new_case()
            served = self.new_case(service_model="dedicated", category_id=sub.id)
        self.assertEqual(printer.sla_policy_id, hardware, "a subcategory matches its parent's policy")
        self.assertEqual(plain.sla_policy_id, self.standard)
        self.assertEqual(served.sla_policy_id, dedicated, "the first match by sequence wins")
        self.assertNotIn(filtered, (printer | plain | served).sla_policy_id)
        # a 24/7 policy (no calendar): 2 h from Friday 15:00
        self.assertEqual(printer.response_deadline, datetime(2026, 3, 27, 17, 0))
        self.assertEqual(printer.resolution_deadline, datetime(2026, 3, 27, 23, 0))

    def test_value_class_policy(self):
        Policy = self.env["crm.sla.policy"]
        gold = Policy.create(
            {
                "name": "A customers",
                "sequence": -60,
                "abc_classes": "A",
                "response_hours": 1,
                "resolution_hours": 4,
            }
        )
        vip = self.env["res.partner"].create({"name": "VIP"})
        vip.sudo().crm_value_abc_class = "A"
        with freeze_time("2026-03-27 15:00:00"):
            a_case = self.new_case(partner_id=vip.id)
            other = self.new_case()
        self.assertEqual(a_case.sla_policy_id, gold)
        self.assertEqual(other.sla_policy_id, self.standard)

    def test_no_policy_means_no_lines(self):
        other_team = self.env["crm.service.team"].create({"name": "No SLA", "company_id": self.company.id})
        self.env["crm.sla.policy"].search([("team_ids", "=", False)]).active = False
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case(team_id=other_team.id)
        self.assertFalse(case.sla_policy_id)
        self.assertFalse(case.sla_line_ids)
        self.assertFalse(case.sla_state)
