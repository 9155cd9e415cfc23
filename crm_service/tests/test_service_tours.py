from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestServiceTours(HttpCase):
    def test_agent_takes_replies_escalates_resolves(self):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        agent = Users.create(
            {
                "name": "Tour Service Agent",
                "login": "svc_tour_agent",
                "password": "svc_tour_agent",
                "email": "svc_tour_agent@example.com",
                "tz": "UTC",
                "groups_id": [Command.set(self.env.ref("crm_service.group_crm_service_user").ids)],
            }
        )
        expert = Users.create(
            {
                "name": "Tour Expert",
                "login": "svc_tour_expert",
                "email": "svc_tour_expert@example.com",
                "groups_id": [Command.set(self.env.ref("crm_service.group_crm_service_user").ids)],
            }
        )
        tech = self.env["crm.service.team"].create(
            {
                "name": "Tour Technical Team",
                "tier": "2",
                "member_ids": [Command.set(expert.ids)],
                "assignment_method": "round_robin",
            }
        )
        desk = self.env["crm.service.team"].create(
            {
                "name": "Tour Desk",
                "tier": "1",
                "member_ids": [Command.set(agent.ids)],
                "escalation_team_id": tech.id,
            }
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Printing Customer", "is_company": True, "email": "printing@example.com"}
        )
        case = self.env["crm.complaint"].create(
            {"subject": "Tour printer prints blank pages", "partner_id": customer.id, "team_id": desk.id}
        )
        self.assertFalse(case.user_id)

        self.start_tour("/odoo", "crm_service_agent_tour", login=agent.login)

        self.assertEqual(case.state, "resolved")
        self.assertTrue(case.first_response_date)
        self.assertTrue(case.resolved_date)
        self.assertEqual((case.team_id, case.tier_level, case.escalation_level), (tech, "2", 1))
        self.assertEqual(case.user_id, expert)
        self.assertIn(
            "We are looking at your printer.",
            case.message_ids.mapped("body")[-1] + "".join(case.message_ids.mapped("body")),
        )
