from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ServiceCase


@tagged("post_install", "-at_install")
class TestServiceAccess(ServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stage_customer = cls.env.ref("crm_lifecycle.stage_customer")
        cls.rival = new_test_user(
            cls.env, login="svc_rival_sales", name="Rick Rival", groups="sales_team.group_sale_salesman"
        )
        cls.own_customer = cls.env["res.partner"].create(
            {
                "name": "Sally's Own Customer",
                "is_company": True,
                "lifecycle_stage_id": stage_customer.id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.rival_customer = cls.env["res.partner"].create(
            {
                "name": "Rick's Customer",
                "is_company": True,
                "lifecycle_stage_id": stage_customer.id,
                "user_id": cls.rival.id,
            }
        )
        cls.own_case = cls.Case.create({"subject": "Own customer case", "partner_id": cls.own_customer.id})
        cls.rival_case = cls.Case.create(
            {"subject": "Rival customer case", "partner_id": cls.rival_customer.id}
        )
        cls.own_case.action_ids = [Command.create({"name": "Call back"})]
        cls.rival_case.action_ids = [Command.create({"name": "Replace unit"})]
        # a customer's portal users: Tom (a contact of Tiered Trading) and his colleague Tina
        cls.tina = cls.env["res.partner"].create(
            {"name": "Tina Tiered", "parent_id": cls.tiered_customer.id, "email": "tina@tiered.example.com"}
        )
        cls.portal_tom = new_test_user(
            cls.env, login="svc_portal_tom", groups="base.group_portal", partner_id=cls.tiered_contact.id
        )
        cls.tom_case = cls.Case.create({"subject": "Tom's case", "partner_id": cls.tiered_contact.id})
        cls.tina_case = cls.Case.create({"subject": "Tina's case", "partner_id": cls.tina.id})
        cls.other_company = cls.env["res.company"].create({"name": "Service Branch Co"})
        cls.branch_agent = new_test_user(
            cls.env,
            login="svc_branch_agent",
            groups="crm_service.group_crm_service_user",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.branch_case = cls.Case.create(
            {
                "subject": "Branch case",
                "partner_id": cls.tiered_customer.id,
                "company_id": cls.other_company.id,
            }
        )

    def visible(self, user, cases=None):
        cases = cases or (self.own_case | self.rival_case | self.tom_case | self.tina_case | self.branch_case)
        return self.Case.with_user(user).search([("id", "in", cases.ids)])

    def test_agent_handles_cases_of_company(self):
        self.assertEqual(
            self.visible(self.agent), self.own_case | self.rival_case | self.tom_case | self.tina_case
        )
        self.rival_case.with_user(self.agent).write({"user_id": self.agent.id, "severity": "4"})
        self.rival_case.action_ids.with_user(self.agent).write({"done_date": "2026-01-05"})
        with self.assertRaises(AccessError):
            self.branch_case.with_user(self.agent).read(["subject"])
        with self.assertRaises(AccessError):
            self.rival_case.with_user(self.agent).unlink()
        with self.assertRaises(AccessError):
            self.desk.with_user(self.agent).write({"assignment_method": "balanced"})
        with self.assertRaises(AccessError):
            self.env["crm.complaint.stage"].with_user(self.agent).create({"name": "Agent's stage"})
        with self.assertRaises(AccessError):
            self.root_cause.with_user(self.agent).write({"name": "Renamed"})

    def test_manager_configures_and_deletes(self):
        self.assertEqual(
            self.visible(self.service_manager),
            self.own_case | self.rival_case | self.tom_case | self.tina_case,
        )
        team = self.env["crm.service.team"].with_user(self.service_manager).create({"name": "Night Desk"})
        self.assertEqual(team.company_id, self.env.company)
        self.env["crm.complaint.category"].with_user(self.service_manager).create({"name": "Billing"})
        self.rival_case.with_user(self.service_manager).unlink()
        with self.assertRaises(AccessError):
            self.branch_case.with_user(self.service_manager).read(["subject"])

    def test_salesperson_reads_cases_of_own_customers_only(self):
        visible = self.visible(self.salesperson)
        self.assertIn(self.own_case, visible)
        self.assertNotIn(self.rival_case, visible)
        self.assertNotIn(self.branch_case, visible)
        self.assertEqual(self.own_case.with_user(self.salesperson).subject, "Own customer case")
        self.assertEqual(
            self.own_case.action_ids.with_user(self.salesperson).read(["name"])[0]["name"], "Call back"
        )
        with self.assertRaises(AccessError):
            self.rival_case.with_user(self.salesperson).read(["subject"])
        with self.assertRaises(AccessError):
            self.rival_case.action_ids.with_user(self.salesperson).read(["name"])
        with self.assertRaises(AccessError):
            self.own_case.with_user(self.salesperson).write({"severity": "4"})
        with self.assertRaises(AccessError):
            self.Case.with_user(self.salesperson).create(
                {"subject": "Filed by sales", "partner_id": self.own_customer.id}
            )
        # the rival reads their own customer's case
        self.assertEqual(self.visible(self.rival, self.own_case | self.rival_case), self.rival_case)

    def test_portal_user_sees_own_cases_then_company_cases(self):
        self.assertEqual(self.visible(self.portal_tom), self.tom_case)
        with self.assertRaises(AccessError):
            self.tina_case.with_user(self.portal_tom).read(["subject"])
        with self.assertRaises(AccessError):
            self.tom_case.with_user(self.portal_tom).write({"subject": "Changed by the customer"})
        # the customer replies in the thread of their own case only
        self.tom_case.with_user(self.portal_tom).message_post(
            body="Here is the photo", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertIn("Here is the photo", self.tom_case.message_ids[0].body)
        self.assertFalse(self.tom_case.first_response_date)
        with self.assertRaises(AccessError):
            self.tina_case.with_user(self.portal_tom).message_post(body="Not mine", message_type="comment")
        self.env.company.crm_service_portal_company_cases = True
        self.assertEqual(self.visible(self.portal_tom), self.tom_case | self.tina_case)
        self.env.company.crm_service_portal = False
        self.assertFalse(self.visible(self.portal_tom))

    def test_portal_user_never_reads_internal_notes(self):
        self.tom_case.message_post(body="Internal: customer is difficult", subtype_xmlid="mail.mt_note")
        self.tom_case.message_post(
            body="Public: we are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        bodies = (
            self.env["mail.message"]
            .with_user(self.portal_tom)
            .search([("model", "=", "crm.complaint"), ("res_id", "=", self.tom_case.id)])
            .mapped("body")
        )
        self.assertTrue(any("Public: we are on it" in body for body in bodies))
        self.assertFalse(any("customer is difficult" in body for body in bodies))

    def test_other_company_agent_sees_only_their_company(self):
        self.assertEqual(self.visible(self.branch_agent), self.branch_case)
        for case in (self.own_case, self.tom_case):
            with self.assertRaises(AccessError):
                case.with_user(self.branch_agent).read(["subject"])
        with self.assertRaises(AccessError):
            self.desk.with_user(self.branch_agent).read(["name"])
