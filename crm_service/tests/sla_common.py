# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class SlaCase(TransactionCase):
    """A 9-17 calendar (lunch 12-13, UTC) with a public holiday on Monday 30 March 2026,
    one stage per state, a desk team with an agent and a leader, and two policies:
    a standard one (4 h / 16 h) and a critical one (1 h / 12 h, severity 4 only)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env.company
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Desk 9-17",
                "tz": "UTC",
                "company_id": cls.company.id,
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        },
                    )
                    for day in range(5)
                    for start, end, period in ((9, 12, "morning"), (12, 13, "lunch"), (13, 17, "afternoon"))
                ],
            }
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "date_from": datetime(2026, 3, 30, 0, 0),
                "date_to": datetime(2026, 3, 30, 23, 59, 59),
            }
        )
        cls.agent = new_test_user(
            cls.env,
            login="sla_agent",
            name="SLA Agent",
            email="agent@example.com",
            groups="base.group_user,crm_service.group_crm_service_user",
        )
        cls.leader = new_test_user(
            cls.env,
            login="sla_leader",
            name="SLA Leader",
            email="leader@example.com",
            groups="base.group_user,crm_service.group_crm_service_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="sla_manager",
            name="SLA Manager",
            email="manager@example.com",
            groups="base.group_user,crm_service.group_crm_service_manager",
        )
        cls.team = cls.env["crm.service.team"].create(
            {
                "name": "SLA Desk",
                "company_id": cls.company.id,
                "member_ids": [(6, 0, [cls.agent.id, cls.leader.id])],
                "leader_id": cls.leader.id,
                "calendar_id": cls.calendar.id,
            }
        )
        Stage = cls.env["crm.complaint.stage"]
        cls.stage_new = Stage.create({"name": "SLA New", "state": "new", "sequence": 1})
        cls.stage_open = Stage.create({"name": "SLA In Progress", "state": "open", "sequence": 2})
        cls.stage_waiting = Stage.create(
            {"name": "SLA Waiting", "state": "waiting_customer", "sla_pause": True, "sequence": 3}
        )
        cls.stage_resolved = Stage.create({"name": "SLA Resolved", "state": "resolved", "sequence": 4})
        cls.stage_cancelled = Stage.create({"name": "SLA Cancelled", "state": "cancelled", "sequence": 5})
        Policy = cls.env["crm.sla.policy"]
        # policies of other data (demo) must not interfere: ours come first
        cls.critical = Policy.create(
            {
                "name": "Critical",
                "sequence": -20,
                "company_id": cls.company.id,
                "team_ids": [(6, 0, cls.team.ids)],
                "severity_min": "4",
                "response_hours": 1,
                "resolution_hours": 12,
                "calendar_id": cls.calendar.id,
            }
        )
        cls.standard = Policy.create(
            {
                "name": "Standard",
                "sequence": -10,
                "company_id": cls.company.id,
                "team_ids": [(6, 0, cls.team.ids)],
                "response_hours": 4,
                "resolution_hours": 16,
                "calendar_id": cls.calendar.id,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "SLA Customer", "email": "customer@example.com"}
        )

    def new_case(self, user=None, **values):
        vals = {
            "subject": "The machine stopped",
            "partner_id": self.customer.id,
            "team_id": self.team.id,
            "user_id": self.agent.id,
            "stage_id": self.stage_new.id,
            "severity": "2",
        }
        vals.update(values)
        return self.env["crm.complaint"].with_user(user or self.agent).create(vals)

    @staticmethod
    def line(case, target):
        return case.sla_line_ids.filtered(lambda line: line.target == target)
