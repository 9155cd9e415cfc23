from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestComplaint(ServiceCase):
    def test_reference_per_company(self):
        first = self.new_case()
        second = self.new_case()
        self.assertRegex(first.name, r"^CASE-\d{4}-\d{5}$")
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(int(second.name[-5:]), int(first.name[-5:]) + 1)
        other_company = self.env["res.company"].create({"name": "Service Branch"})
        other = self.Case.create(
            {"subject": "Branch case", "partner_id": self.tiered_customer.id, "company_id": other_company.id}
        )
        self.assertTrue(other.name.endswith("-00001"), other.name)
        self.assertEqual(first.display_name, f"[{first.name}] The parcel arrived broken")
        self.assertNotEqual(first.copy().name, first.name)

    def test_creation_defaults(self):
        case = self.new_case(category_id=self.category_damaged.id)
        self.assertEqual(case.commercial_partner_id, self.tiered_customer)
        self.assertEqual(case.service_model, "tiered")
        self.assertEqual(case.severity, "3")
        self.assertEqual(case.team_id, self.desk)
        self.assertEqual(case.tier_level, "1")
        self.assertEqual(case.stage_id, self.stage["new"])
        self.assertEqual(case.state, "new")
        # a subcategory without defaults takes its parent's
        leaf = self.env["crm.complaint.category"].create(
            {"name": "Dented", "parent_id": self.category_damaged.id}
        )
        self.assertEqual(leaf.complete_name, "Delivery / Damaged Goods / Dented")
        self.assertEqual(self.new_case(category_id=leaf.id).team_id, self.desk)
        # a severity typed by the agent wins over the category's
        self.assertEqual(self.new_case(category_id=self.category_damaged.id, severity="1").severity, "1")
        # in the form, the category fills its defaults
        with Form(self.Case.with_user(self.agent)) as form:
            form.subject = "Typed in the form"
            form.partner_id = self.tiered_customer
            form.category_id = self.category_damaged
            self.assertEqual(form.severity, "3")
            self.assertEqual(form.team_id, self.desk)
        # the service model is copied: a later change of the customer leaves the case as it was
        self.tiered_customer.service_model = "dedicated"
        self.assertEqual(case.service_model, "tiered")

    def test_stage_dates_and_reopen(self):
        case = self.new_case()
        with freeze_time("2026-03-02 10:00:00"):
            case.action_take()
        self.assertEqual((case.user_id, case.state), (self.agent, "open"))
        with freeze_time("2026-03-03 11:00:00"):
            case.with_user(self.agent).action_resolve()
        self.assertEqual(str(case.resolved_date), "2026-03-03 11:00:00")
        self.assertFalse(case.closed_date)
        with freeze_time("2026-03-04 12:00:00"):
            case.with_user(self.agent).stage_id = self.stage["closed"]
        self.assertEqual(str(case.closed_date), "2026-03-04 12:00:00")
        self.assertEqual(str(case.resolved_date), "2026-03-03 11:00:00")
        case.with_user(self.agent).action_reopen()
        self.assertEqual((case.state, case.reopen_count), ("open", 1))
        self.assertFalse(case.resolved_date)
        self.assertFalse(case.closed_date)
        self.assertIn("reopened", case.message_ids[0].body)
        with freeze_time("2026-03-05 09:00:00"):
            case.with_user(self.agent).stage_id = self.stage["closed"]
        # closing straight away resolves it too
        self.assertEqual(str(case.resolved_date), "2026-03-05 09:00:00")
        case.with_user(self.agent).stage_id = self.stage["waiting_customer"]
        self.assertEqual(case.reopen_count, 2)
        with self.assertRaises(UserError):
            case.with_user(self.agent).action_reopen()

    def test_bookkeeping_refused_to_agents(self):
        case = self.new_case()
        for field_name, value in (
            ("first_response_date", "2026-01-01 00:00:00"),
            ("resolved_date", "2026-01-01 00:00:00"),
            ("closed_date", "2026-01-01 00:00:00"),
            ("reopen_count", 3),
            ("escalation_level", 2),
        ):
            with (
                self.subTest(field=field_name),
                self.assertRaisesText(AccessError, "cannot be written by hand"),
            ):
                case.with_user(self.agent).write({field_name: value})
        with self.assertRaisesText(AccessError, "cannot be written by hand"):
            self.new_case(reopen_count=4)
        with self.assertRaisesText(AccessError, "cannot be written by hand"):
            case.with_user(self.service_manager).write({"escalation_level": 5})
        self.assertEqual((case.reopen_count, case.escalation_level), (0, 0))

    def test_close_complaint_needs_root_cause_and_actions_done(self):
        case = self.new_case(subject="Late again")
        case.with_user(self.agent).action_raise_to_complaint()
        self.assertEqual(case.case_type, "complaint")
        self.assertIn("raised this request to a complaint", case.message_ids[0].body)
        with self.assertRaises(UserError):
            case.with_user(self.agent).action_raise_to_complaint()
        case.with_user(self.agent).write(
            {
                "action_ids": [
                    Command.create({"name": "Resend the goods", "action_type": "immediate"}),
                    Command.create({"name": "Stronger boxes", "action_type": "preventive"}),
                ]
            }
        )
        with self.assertRaisesText(ValidationError, f"{case.name}.*without a root cause"):
            case.with_user(self.agent).stage_id = self.stage["closed"]
        # the refused write was rolled back, as a request would be
        self.assertEqual(case.state, "new")
        case.with_user(self.agent).root_cause_id = self.root_cause
        with self.assertRaisesText(ValidationError, "Stronger boxes"):
            case.with_user(self.agent).stage_id = self.stage["closed"]
        self.assertEqual(case.action_open_count, 2)
        case.action_ids.with_user(self.agent).write({"done_date": "2026-03-01"})
        case.with_user(self.agent).stage_id = self.stage["closed"]
        self.assertEqual(case.state, "closed")
        # a service request closes without them
        request = self.new_case()
        request.with_user(self.agent).stage_id = self.stage["closed"]
        self.assertEqual(request.state, "closed")

    def test_escalate_to_technical(self):
        case = self.new_case(team_id=self.desk.id, user_id=self.agent.id)
        case.with_user(self.agent).action_escalate_technical()
        self.assertEqual(case.team_id, self.tech_team)
        self.assertEqual(case.tier_level, "2")
        self.assertEqual(case.escalation_level, 1)
        # the technical team assigns by its method (balanced: its only member)
        self.assertEqual(case.user_id, self.expert)
        self.assertIn("escalated this case", case.message_ids[0].body)
        with self.assertRaisesText(UserError, "no technical team to escalate to"):
            case.with_user(self.agent).action_escalate_technical()

    def test_ask_expert_keeps_owner(self):
        case = self.new_case(user_id=self.agent.id)
        action = case.with_user(self.agent).action_ask_expert()
        wizard = Form(self.env[action["res_model"]].with_user(self.agent).with_context(**action["context"]))
        self.assertIn(self.expert, wizard.expert_ids)
        self.assertNotIn(self.agent2, wizard.expert_ids)
        wizard.user_id = self.expert
        wizard.message = "Is the firmware at fault?"
        wizard.save().action_ask()
        self.assertIn(self.expert.partner_id, case.message_partner_ids)
        self.assertEqual(case.user_id, self.agent)
        self.assertIn("asked Eve Expert", case.message_ids[0].body)

    def test_first_response_date(self):
        case = self.new_case()
        case.with_user(self.agent).message_post(body="Internal thought", subtype_xmlid="mail.mt_note")
        self.assertFalse(case.first_response_date)
        with freeze_time("2026-03-02 10:00:00"):
            case.with_user(self.agent).message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(str(case.first_response_date), "2026-03-02 10:00:00")
        with freeze_time("2026-03-02 12:00:00"):
            case.with_user(self.agent).message_post(
                body="Again", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(str(case.first_response_date), "2026-03-02 10:00:00")

    def test_written_team_kept_when_category_changes(self):
        case = self.new_case(team_id=self.tech_team.id)
        self.assertEqual(case.team_id, self.tech_team)
        case.with_user(self.agent).category_id = self.category_damaged
        self.assertEqual(case.team_id, self.tech_team)
        self.assertEqual(case.severity, "2")

    def test_stage_template_sent_on_entering_stage(self):
        template = self.env["mail.template"].create(
            {
                "name": "Waiting on you",
                "model_id": self.env["ir.model"]._get_id("crm.complaint"),
                "subject": "We wait for your answer on {{ object.name }}",
                "body_html": "<p>Please send us the photos.</p>",
                "partner_to": "{{ object.partner_id.id }}",
            }
        )
        self.stage["waiting_customer"].template_id = template
        case = self.new_case().with_context(tracking_disable=False, mail_notrack=False)
        # a case is tracked from the transaction after its creation, as in a later request
        self.env.cr.precommit.run()
        case.with_user(self.agent).with_context(
            tracking_disable=False, mail_notrack=False
        ).stage_id = self.stage["waiting_customer"]
        self.env.flush_all()
        self.env.cr.precommit.run()
        case.invalidate_recordset(["message_ids"])
        sent = case.message_ids.filtered(
            lambda message: message.subject == f"We wait for your answer on {case.name}"
        )
        self.assertEqual(len(sent), 1, [(m.subject, m.body[:80], m.message_type) for m in case.message_ids])
        self.assertIn(self.tiered_contact, sent.partner_ids)

    def test_default_stages_send_the_customer_templates(self):
        self.assertEqual(
            self.stage["waiting_customer"].template_id,
            self.env.ref("crm_service.mail_template_crm_complaint_waiting"),
        )
        self.assertEqual(
            self.stage["resolved"].template_id,
            self.env.ref("crm_service.mail_template_crm_complaint_resolved"),
        )
        self.assertEqual(
            self.stage["closed"].rating_template_id,
            self.env.ref("crm_service.mail_template_crm_complaint_rating"),
        )

    def test_closing_asks_the_customer_to_rate_once(self):
        case = self.new_case()
        agent_case = case.with_user(self.agent)
        agent_case.action_take()
        agent_case.action_resolve()
        agent_case.stage_id = self.stage["closed"]

        def requests():
            case.invalidate_recordset(["message_ids"])
            return case.message_ids.filtered(
                lambda message: message.subject == f"[{case.name}] How did we do?"
            )

        request = requests()
        self.assertEqual(len(request), 1)
        self.assertIn(self.tiered_contact, request.partner_ids)
        token = case.sudo()._rating_get_access_token()
        self.assertIn(f"/rate/{token}/5", request.body)
        # the customer clicks the smiley of the e-mail
        case.sudo().rating_apply(5, token=token)
        self.assertEqual(case.rating_last_value, 5)
        # reopened and closed again: already rated, not asked again
        agent_case.action_reopen()
        agent_case.stage_id = self.stage["closed"]
        self.assertEqual(len(requests()), 1)

    def test_escalate_several_cases_at_once(self):
        cases = self.new_case(team_id=self.desk.id) | self.new_case(team_id=self.desk.id)
        cases.with_user(self.agent).action_escalate_technical()
        self.assertEqual(cases.team_id, self.tech_team)
        self.assertEqual(cases.mapped("escalation_level"), [1, 1])
        self.assertEqual(cases.user_id, self.expert)
        for case in cases:
            self.assertIn(
                "escalated this case from Service Desk to Technical Support", case.message_ids[0].body
            )
