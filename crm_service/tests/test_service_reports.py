# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ServiceCase

NOW = "2026-04-15 12:00:00"


@tagged("post_install", "-at_install")
class TestServiceReports(ServiceCase):
    """The SLA attainment and cases analyses, and the team dashboard of the service manager."""

    def _line(self, case, target, state, hours=0.0, deadline=None):
        # engine bookkeeping: SLA lines are written by the SLA engine only
        return (
            self.env["crm.complaint.sla.line"]
            .sudo()
            .create(
                {
                    "complaint_id": case.id,
                    "target": target,
                    "state": state,
                    "target_hours": 8.0,
                    "consumed_hours": hours,
                    "deadline": deadline or fields.Datetime.now() + timedelta(days=1),
                    "reached_date": fields.Datetime.now() if state == "reached" else False,
                }
            )
        )

    def test_sla_attainment_by_team_and_target(self):
        desk_cases = [self.new_case(team_id=self.desk.id) for _i in range(3)]
        tech_case = self.new_case(team_id=self.tech_team.id)
        self._line(desk_cases[0], "response", "reached", hours=2.0)
        self._line(desk_cases[1], "response", "failed", hours=9.0)
        self._line(desk_cases[0], "resolution", "reached", hours=6.0)
        self._line(desk_cases[2], "response", "ok", hours=1.0)  # running: not counted
        self._line(tech_case, "response", "reached", hours=4.0)
        cases = self.Case.browse([case.id for case in desk_cases] + [tech_case.id])
        self.env.flush_all()  # the report is a view over the tables
        Report = self.env["crm.service.sla.report"].with_user(self.service_manager)
        rows = {
            team: (attainment, decided, failed, response, resolution)
            for team, attainment, decided, failed, response, resolution in Report._read_group(
                [("complaint_id", "in", cases.ids)],
                ["team_id"],
                [
                    "attainment:avg",
                    "decided_count:sum",
                    "failed_count:sum",
                    "response_hours:avg",
                    "resolution_hours:avg",
                ],
            )
        }
        self.assertEqual(set(rows), {self.desk, self.tech_team}, cases.mapped("team_id"))
        attainment, decided, failed, response, resolution = rows[self.desk]
        # 2 of the desk's 3 decided targets reached
        self.assertAlmostEqual(attainment, 200.0 / 3, places=2)
        self.assertEqual((decided, failed), (3, 1))
        self.assertEqual((response, resolution), (2.0, 6.0))
        self.assertEqual(rows[self.tech_team][:3], (100.0, 1, 0))
        by_target = dict(
            Report._read_group([("complaint_id", "in", cases.ids)], ["target"], ["attainment:avg"])
        )
        self.assertAlmostEqual(by_target["response"], 200.0 / 3, places=2)
        self.assertEqual(by_target["resolution"], 100.0)

    def test_cases_analysis_pareto_reopen_and_satisfaction(self):
        packaging = self.root_cause
        carrier = self.env["crm.complaint.root.cause"].create({"name": "Carrier drops parcels"})
        cases = self.Case
        for cause, count in ((packaging, 3), (carrier, 1)):
            for _i in range(count):
                cases |= self.new_case(case_type="complaint", root_cause_id=cause.id, user_id=self.agent.id)
        # engine bookkeeping: a reopen is counted by the reopen action
        cases[0].sudo()._crm_write_bookkeeping({"reopen_count": 1})
        rated = cases[1]
        # the customer rates the case from the link of the rating request (Odoo's rating flow)
        token = rated.sudo()._rating_get_access_token()
        rated.sudo().rating_apply(4, token=token)
        self.env.flush_all()
        Report = self.env["crm.complaint.report"].with_user(self.service_manager)
        domain = [("complaint_id", "in", cases.ids)]
        pareto = Report._read_group(
            domain, ["root_cause_id"], ["case_count:sum"], order="case_count:sum desc"
        )
        self.assertEqual(pareto, [(packaging, 3), (carrier, 1)])
        [(reopen_rate, rating, rated)] = Report._read_group(
            domain, [], ["reopen_rate:avg", "rating:avg", "rated_count:sum"]
        )
        self.assertEqual(reopen_rate, 25.0)
        # the one rated case only: unrated cases do not pull the average down
        self.assertEqual((rating, rated), (4.0, 1))
        by_agent = dict(Report._read_group(domain, ["user_id"], ["case_count:sum"]))
        self.assertEqual(by_agent[self.agent], 4)

    def test_reports_for_service_managers_of_their_companies(self):
        case = self.new_case(team_id=self.desk.id)
        self._line(case, "response", "reached", hours=1.0)
        self.env.flush_all()
        with self.assertRaises(AccessError):
            self.env["crm.service.sla.report"].with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            self.env["crm.complaint.report"].with_user(self.agent).search([])
        other_company = self.env["res.company"].create({"name": "Service Elsewhere"})
        other_manager = new_test_user(
            self.env,
            login="svc_manager_elsewhere",
            groups="crm_service.group_crm_service_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        for report in ("crm.service.sla.report", "crm.complaint.report"):
            found = self.env[report].with_user(other_manager).search([("complaint_id", "=", case.id)])
            self.assertFalse(found, report)
        self.assertEqual(
            self.env["crm.complaint.report"]
            .with_user(self.service_manager)
            .search([("complaint_id", "=", case.id)])
            .name,
            case.name,
        )

    @freeze_time(NOW)
    def test_team_dashboard_counts_and_opens_the_cases(self):
        unassigned = self.new_case(team_id=self.desk.id)
        waiting = self.new_case(team_id=self.desk.id, user_id=self.agent.id)
        waiting.sudo().stage_id = self.stage["waiting_customer"]
        at_risk = self.new_case(team_id=self.desk.id, user_id=self.agent.id)
        self._line(at_risk, "response", "at_risk")
        breached = self.new_case(team_id=self.desk.id, user_id=self.agent.id)
        now = fields.Datetime.now()
        self._line(breached, "response", "failed", hours=9.0, deadline=now - timedelta(hours=2))
        self._line(breached, "resolution", "reached", hours=5.0, deadline=now + timedelta(hours=3))
        yesterday = self.new_case(team_id=self.desk.id, user_id=self.agent.id)
        self._line(yesterday, "response", "failed", hours=9.0, deadline=now - timedelta(days=1))
        self.env.flush_all()
        desk = self.desk.with_user(self.agent)
        self.assertEqual(desk.unassigned_count, 1)
        self.assertEqual(desk.waiting_count, 1)
        self.assertEqual(desk.at_risk_count, 1)
        self.assertEqual(desk.failed_today_count, 1)
        # reached 1 of the 3 targets decided in the last 30 days
        self.assertAlmostEqual(desk.sla_attainment, 100.0 / 3, places=2)
        for method, expected in (
            ("action_dashboard_unassigned", unassigned),
            ("action_dashboard_waiting", waiting),
            ("action_dashboard_at_risk", at_risk),
            ("action_dashboard_failed_today", breached),
        ):
            action = getattr(desk, method)()
            found = self.Case.with_user(self.agent).search(action["domain"])
            self.assertEqual(found, expected, method)
        self.assertEqual(self.tech_team.with_user(self.agent).failed_today_count, 0)
