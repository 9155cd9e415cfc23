# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .sla_common import SlaCase


@tagged("post_install", "-at_install")
class TestSlaAccess(SlaCase):
    def test_agent_reads_but_cannot_write_sla(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        as_agent = case.with_user(self.agent)
        line = as_agent.sla_line_ids[:1]
        self.assertTrue(line.deadline)
        with self.assertRaises(AccessError):
            line.write({"deadline": datetime(2030, 1, 1)})
        with self.assertRaises(AccessError):
            self.env["crm.complaint.sla.line"].with_user(self.agent).create(
                {
                    "complaint_id": case.id,
                    "target": "response",
                    "deadline": datetime(2030, 1, 1),
                }
            )
        with self.assertRaises(AccessError):
            line.unlink()
        with self.assertRaises(AccessError):
            as_agent.write({"response_deadline": datetime(2030, 1, 1)})
        with self.assertRaises(AccessError):
            as_agent.write({"sla_policy_id": self.critical.id})
        with self.assertRaises(AccessError):
            self.new_case(sla_state="reached")
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 11, 0))

    def test_agent_opens_the_case_form_with_its_sla(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        form = Form(case.with_user(self.agent))
        self.assertEqual(form.sla_state, "ok")
        self.assertEqual(form.response_deadline, "2026-03-31 11:00:00")
        self.assertEqual(len(form.sla_line_ids), 2)
        form.subject = "The machine stopped twice"
        form.save()
        self.assertEqual(case.response_deadline, datetime(2026, 3, 31, 11, 0))

    def test_manager_cannot_write_lines_either(self):
        with freeze_time("2026-03-27 15:00:00"):
            case = self.new_case()
        with self.assertRaises(AccessError):
            case.sla_line_ids.with_user(self.manager).write({"state": "reached"})

    def test_agent_reads_policies_manager_edits_them(self):
        self.assertIn(self.standard, self.env["crm.sla.policy"].with_user(self.agent).search([]))
        with self.assertRaises(AccessError):
            self.standard.with_user(self.agent).write({"response_hours": 100})
        self.standard.with_user(self.manager).write({"response_hours": 3})
        self.assertEqual(self.standard.response_hours, 3)

    def test_other_company_policies_are_not_visible(self):
        other = self.env["res.company"].create({"name": "SLA Other Company"})
        foreign = self.env["crm.sla.policy"].create(
            {
                "name": "Foreign",
                "company_id": other.id,
                "response_hours": 1,
                "resolution_hours": 2,
            }
        )
        self.env["crm.sla.escalation"].create({"policy_id": foreign.id, "trigger": "breach"})
        shared = self.env["crm.sla.policy"].create({"name": "Shared", "company_id": False})
        visible = self.env["crm.sla.policy"].with_user(self.manager).search([])
        self.assertNotIn(foreign, visible)
        self.assertIn(shared, visible)
        self.assertFalse(
            self.env["crm.sla.escalation"].with_user(self.manager).search([("policy_id", "=", foreign.id)])
        )
        with self.assertRaises(AccessError):
            foreign.with_user(self.manager).read(["name"])
