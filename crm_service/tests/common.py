from contextlib import contextmanager

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.crm_lifecycle.tests.common import CrmSuiteCase


class ServiceCase(CrmSuiteCase):
    """A service desk (tier 1) escalating to a technical team (tier 2), agents, a service
    manager, customers of both service models and a category tree."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agent_group = "crm_service.group_crm_service_user"
        cls.agent = new_test_user(cls.env, login="svc_agent", name="Alice Agent", groups=agent_group)
        cls.agent2 = new_test_user(cls.env, login="svc_agent2", name="Bob Agent", groups=agent_group)
        cls.agent3 = new_test_user(cls.env, login="svc_agent3", name="Carol Agent", groups=agent_group)
        cls.expert = new_test_user(cls.env, login="svc_expert", name="Eve Expert", groups=agent_group)
        cls.rep = new_test_user(cls.env, login="svc_rep", name="Rita Representative", groups=agent_group)
        cls.backup = new_test_user(cls.env, login="svc_backup", name="Boris Backup", groups=agent_group)
        cls.service_manager = new_test_user(
            cls.env,
            login="svc_manager",
            name="Max Service Manager",
            groups="crm_service.group_crm_service_manager",
        )
        Team = cls.env["crm.service.team"]
        # the teams of the database (demo data has two) are not these tests' routing
        Team.search([]).active = False
        cls.tech_team = Team.create(
            {
                "name": "Technical Support",
                "tier": "2",
                "member_ids": [Command.set(cls.expert.ids)],
                "assignment_method": "balanced",
            }
        )
        cls.desk = Team.create(
            {
                "name": "Service Desk",
                "tier": "1",
                "leader_id": cls.service_manager.id,
                "member_ids": [Command.set((cls.agent | cls.agent2 | cls.agent3).ids)],
                "assignment_method": "manual",
                "escalation_team_id": cls.tech_team.id,
            }
        )
        cls.Case = cls.env["crm.complaint"]
        cls.Stage = cls.env["crm.complaint.stage"]
        cls.stage = {
            state: cls.env.ref(f"crm_service.crm_complaint_stage_{state}")
            for state in (
                "new",
                "open",
                "waiting_customer",
                "waiting_third_party",
                "resolved",
                "closed",
                "cancelled",
            )
        }
        cls.category_root = cls.env["crm.complaint.category"].create({"name": "Delivery"})
        cls.category_damaged = cls.env["crm.complaint.category"].create(
            {
                "name": "Damaged Goods",
                "parent_id": cls.category_root.id,
                "severity": "3",
                "team_id": cls.desk.id,
            }
        )
        cls.root_cause = cls.env["crm.complaint.root.cause"].create({"name": "Packaging too weak"})
        Partner = cls.env["res.partner"]
        cls.tiered_customer = Partner.create(
            {"name": "Tiered Trading Ltd", "is_company": True, "email": "tiered@example.com"}
        )
        cls.tiered_contact = Partner.create(
            {"name": "Tom Tiered", "parent_id": cls.tiered_customer.id, "email": "tom@tiered.example.com"}
        )
        cls.dedicated_customer = Partner.create(
            {
                "name": "Dedicated Industries",
                "is_company": True,
                "email": "dedicated@example.com",
                "service_model": "dedicated",
                "service_rep_id": cls.rep.id,
                "service_rep_backup_id": cls.backup.id,
                "service_team_id": cls.desk.id,
            }
        )

    def new_case(self, user=None, **vals):
        values = {"subject": "The parcel arrived broken", "partner_id": self.tiered_contact.id}
        values.update(vals)
        return self.Case.with_user(user or self.agent).create(values)

    @contextmanager
    def assertRaisesText(self, exception, pattern):
        """``assertRaises`` (which rolls the refused operation back, as a request would; unittest's
        ``assertRaisesRegex`` does not) and the message matches ``pattern``."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)
