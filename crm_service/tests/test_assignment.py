from odoo import fields
from odoo.tests import tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestAssignment(ServiceCase):
    def test_dedicated_case_goes_to_representative(self):
        case = self.new_case(partner_id=self.dedicated_customer.id)
        self.assertEqual(case.service_model, "dedicated")
        self.assertEqual(case.user_id, self.rep)
        self.assertFalse(case.activity_ids)

    def test_dedicated_representative_archived_goes_to_backup(self):
        self.rep.active = False
        case = self.new_case(partner_id=self.dedicated_customer.id)
        self.assertEqual(case.user_id, self.backup)
        self.assertIn("Boris Backup", case.message_ids[0].body)

    def test_dedicated_representative_on_leave_goes_to_desk(self):
        resource = self.env["resource.resource"].create({"name": self.rep.name, "user_id": self.rep.id})
        now = fields.Datetime.now()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "resource_id": resource.id,
                "date_from": fields.Datetime.subtract(now, days=1),
                "date_to": fields.Datetime.add(now, days=1),
            }
        )
        self.dedicated_customer.service_rep_backup_id = False
        self.desk.assignment_method = "round_robin"
        case = self.new_case(partner_id=self.dedicated_customer.id)
        self.assertEqual(case.team_id, self.desk)
        self.assertIn(case.user_id, self.desk.member_ids)
        note = case.message_ids[0].body
        self.assertIn("is away or archived", note)
        self.assertIn("service desk", note)
        # the leader of the desk is told
        self.assertEqual(case.activity_ids.user_id, self.service_manager)

    def test_dedicated_customer_released_to_pool_goes_to_desk(self):
        pool = self.env["crm.pool"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.assertTrue(pool)
        released = self.env["res.partner"].create(
            {
                "name": "Released Dedicated Ltd",
                "is_company": True,
                "lifecycle_stage_id": self.env.ref("crm_lifecycle.stage_pool").id,
                "crm_pool_id": pool.id,
                "service_model": "dedicated",
                "service_rep_id": self.rep.id,
            }
        )
        self.assertEqual(released.crm_pool_state, "pool")
        case = self.new_case(partner_id=released.id)
        self.assertNotEqual(case.user_id, self.rep)
        self.assertIn("released to the pool", case.message_ids[0].body)

    def test_balanced_gives_fewest_open_cases(self):
        self.desk.assignment_method = "balanced"
        # agent has two open cases, agent2 one (and a closed one), agent3 none
        for user in (self.agent, self.agent, self.agent2):
            self.new_case(user_id=user.id, team_id=self.desk.id)
        closed = self.new_case(user_id=self.agent3.id, team_id=self.desk.id)
        closed.stage_id = self.stage["cancelled"]
        cases = self.Case.with_user(self.agent).create(
            [
                {"subject": f"Batch {index}", "partner_id": self.tiered_customer.id, "team_id": self.desk.id}
                for index in range(4)
            ]
        )
        # open cases 2, 1, 0: agent3, then agent2 and agent3 tied (the lower id first), then all
        # three tied at 2
        self.assertLess(self.agent.id, self.agent2.id)
        self.assertLess(self.agent2.id, self.agent3.id)
        self.assertEqual(
            [case.user_id for case in cases], [self.agent3, self.agent2, self.agent3, self.agent]
        )

    def test_round_robin_takes_turns(self):
        self.desk.assignment_method = "round_robin"
        members = self.desk.member_ids.sorted("id")
        cases = self.Case.with_user(self.agent).create(
            [
                {"subject": f"Turn {index}", "partner_id": self.tiered_customer.id, "team_id": self.desk.id}
                for index in range(4)
            ]
        )
        self.assertEqual(cases.mapped("user_id").ids, members.ids)
        self.assertEqual(cases[3].user_id, members[0])
        self.assertEqual(self.desk.last_assigned_user_id, members[0])
        following = self.new_case(team_id=self.desk.id)
        self.assertEqual(following.user_id, members[1])
        # an archived member is skipped
        members[2].active = False
        after = self.Case.with_user(self.agent).create(
            [
                {"subject": f"Next {index}", "partner_id": self.tiered_customer.id, "team_id": self.desk.id}
                for index in range(2)
            ]
        )
        self.assertEqual(after.mapped("user_id"), members[0] | members[1])
        self.assertNotIn(members[2], after.mapped("user_id"))

    def test_manual_team_leaves_cases_unassigned(self):
        case = self.new_case(team_id=self.desk.id)
        self.assertFalse(case.user_id)

    def test_partner_service_model_default_and_override(self):
        partner = self.env["res.partner"].create({"name": "Scored Customer", "is_company": True})
        self.assertEqual(partner.service_model, "tiered")
        score = self.env["crm.value.score"].create(
            {"partner_id": partner.id, "company_id": self.env.company.id, "service_tier": "dedicated"}
        )
        partner.invalidate_recordset()
        self.assertEqual(score.service_tier, "dedicated")
        self.assertEqual(partner.service_model, "dedicated")
        contact = self.env["res.partner"].create({"name": "Scored Contact", "parent_id": partner.id})
        self.assertEqual(contact.service_model, "dedicated")
        self.assertIn(partner, self.env["res.partner"].search([("service_model", "=", "dedicated")]))
        # a manager overrides the recommendation
        partner.with_user(self.sales_manager).service_model = "tiered"
        self.assertEqual(partner.service_model_choice, "tiered")
        self.assertEqual(partner.service_model, "tiered")
        self.assertNotIn(partner, self.env["res.partner"].search([("service_model", "=", "dedicated")]))
        self.assertIn(partner, self.env["res.partner"].search([("service_model", "!=", "dedicated")]))
        self.assertEqual(self.dedicated_customer.complaint_count, 0)
        self.new_case(partner_id=self.dedicated_customer.id)
        self.dedicated_customer.invalidate_recordset(["complaint_count"])
        self.assertEqual(self.dedicated_customer.complaint_count, 1)
        action = self.dedicated_customer.action_view_complaints()
        self.assertEqual(
            self.env["crm.complaint"].search(action["domain"]).partner_id, self.dedicated_customer
        )
