from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCareTour(HttpCase):
    def test_representative_records_the_care_outcome(self):
        rep = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Tour Care Representative",
                    "login": "care_tour_rep",
                    "password": "care_tour_rep",
                    "email": "care_tour_rep@example.com",
                    "tz": "UTC",
                    "groups_id": [Command.set(self.env.ref("crm_service.group_crm_service_user").ids)],
                }
            )
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Care Customer",
                "is_company": True,
                "ref": "care-tour",
                "service_rep_id": rep.id,
                "lifecycle_stage_id": self.env.ref("crm_lifecycle.stage_customer").id,
            }
        )
        self.env["crm.care.rule"].search([]).active = False
        rule = self.env["crm.care.rule"].create(
            {
                "name": "Tour follow-up call",
                "trigger": "birthday",
                "responsible": "service_rep",
                "catch_up_days": 0,
                "partner_domain": "[('ref', '=', 'care-tour')]",
            }
        )
        customer.crm_birthday = "1980-01-01"
        today = customer.crm_birthday.replace(year=2026)
        rule._crm_care_run(today)
        event = self.env["crm.care.event"].search([("rule_id", "=", rule.id)])
        self.assertEqual((event.user_id, event.state), (rep, "due"))
        self.start_tour("/odoo", "crm_care_done_tour", login="care_tour_rep")
        self.assertEqual((event.state, event.outcome, event.done_uid), ("done", "upsell", rep))
