# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestServiceDashboardTour(HttpCase):
    """The service manager opens the dashboard, the cases at risk of a team, the SLA attainment
    and the Pareto of root causes.

    SLA lines are bookkeeping only the SLA engine writes: the data creates them with sudo() to
    stand for the engine's runs."""

    def test_dashboard_and_reports_as_service_manager(self):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        manager = Users.create(
            {
                "name": "Service Tour Manager",
                "login": "service_tour_manager",
                "password": "service_tour_manager",
                "email": "service_tour_manager@example.com",
                "tz": "UTC",
                "groups_id": [Command.set(self.env.ref("crm_service.group_crm_service_manager").ids)],
            }
        )
        team = self.env["crm.service.team"].create(
            {"name": "Tour Desk", "tier": "1", "member_ids": [Command.set(manager.ids)]}
        )
        customer = self.env["res.partner"].create({"name": "Tour Service Customer", "is_company": True})
        cause = self.env["crm.complaint.root.cause"].create({"name": "Tour cause"})
        Case = self.env["crm.complaint"]
        Line = self.env["crm.complaint.sla.line"].sudo()  # SLA engine bookkeeping, see the docstring
        now = fields.Datetime.now()
        for subject, state in (
            ("Tour case at risk", "at_risk"),
            ("Tour case reached", "reached"),
            ("Tour case failed", "failed"),
        ):
            case = Case.create(
                {
                    "subject": subject,
                    "partner_id": customer.id,
                    "team_id": team.id,
                    "case_type": "complaint",
                    "root_cause_id": cause.id,
                }
            )
            Line.create(
                {
                    "complaint_id": case.id,
                    "target": "response",
                    "state": state,
                    "target_hours": 4.0,
                    "deadline": now + timedelta(hours=2),
                    "reached_date": now if state == "reached" else False,
                }
            )
        self.start_tour("/odoo", "crm_service_dashboard_tour", login=manager.login)
