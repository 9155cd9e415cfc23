# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from odoo import fields, models
from odoo.tools import SQL

from .crm_complaint_stage import DONE_STATES

#: days of decided SLA targets the team card's attainment covers
ATTAINMENT_DAYS = 30


class CrmServiceTeam(models.Model):
    """The service manager's dashboard: each team's card counts its open cases by state, the
    cases at risk and those whose SLA failed today, and its SLA attainment of the last 30 days.
    Counted with the user's own access (``_read_group``), one query per figure for all cards."""

    _inherit = "crm.service.team"  # pylint: disable=consider-merging-classes-inherited

    unassigned_count = fields.Integer(compute="_compute_dashboard", string="Unassigned")
    waiting_count = fields.Integer(compute="_compute_dashboard", string="Waiting")
    at_risk_count = fields.Integer(compute="_compute_dashboard", string="At Risk")
    failed_today_count = fields.Integer(compute="_compute_dashboard", string="Breached Today")
    sla_attainment = fields.Float(
        compute="_compute_dashboard",
        string="SLA Attainment (%)",
        help="Reached SLA targets among those decided (reached or failed) over the last 30 days.",
    )

    def _dashboard_today_start(self):
        """Midnight of today in the user's time zone, in UTC (naive, as stored)."""
        today = fields.Date.context_today(self)
        start = fields.Datetime.context_timestamp(self, datetime.combine(today, time.min))
        offset = start.utcoffset() or timedelta(0)
        return datetime.combine(today, time.min) - offset

    def _compute_dashboard(self):
        Case = self.env["crm.complaint"]
        Line = self.env["crm.complaint.sla.line"]
        Line.flush_model(["state", "deadline", "complaint_id"])
        Case.flush_model(["team_id"])
        open_domain = [("team_id", "in", self.ids), ("state", "not in", DONE_STATES)]
        unassigned = dict(Case._read_group(open_domain + [("user_id", "=", False)], ["team_id"], ["__count"]))
        waiting = dict(
            Case._read_group(
                open_domain + [("state", "in", ("waiting_customer", "waiting_third_party"))],
                ["team_id"],
                ["__count"],
            )
        )
        at_risk = dict(
            Case._read_group(open_domain + [("sla_state", "=", "at_risk")], ["team_id"], ["__count"])
        )
        today_start = self._dashboard_today_start()
        failed_today = dict(
            Case._read_group(
                [
                    ("team_id", "in", self.ids),
                    (
                        "sla_line_ids",
                        "any",
                        [
                            ("state", "=", "failed"),
                            ("deadline", ">=", today_start),
                            ("deadline", "<", today_start + timedelta(days=1)),
                        ],
                    ),
                ],
                ["team_id"],
                ["__count"],
            )
        )
        # decided SLA targets of the last 30 days by team and outcome, among the lines the user
        # may read (their record rules apply through _search)
        lines = Line._search(
            [
                ("state", "in", ("reached", "failed")),
                ("deadline", ">=", fields.Datetime.now() - timedelta(days=ATTAINMENT_DAYS)),
            ]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT complaint.team_id, line.state, COUNT(*)
                  FROM crm_complaint_sla_line line
                  JOIN crm_complaint complaint ON complaint.id = line.complaint_id
                 WHERE line.id IN %s AND complaint.team_id = ANY(%s)
              GROUP BY complaint.team_id, line.state
                """,
                lines.subselect(),
                self.ids,
            )
        )
        decided = {}
        for team_id, state, count in self.env.cr.fetchall():
            decided.setdefault(team_id, {})[state] = count
        for team in self:
            team.unassigned_count = unassigned.get(team, 0)
            team.waiting_count = waiting.get(team, 0)
            team.at_risk_count = at_risk.get(team, 0)
            team.failed_today_count = failed_today.get(team, 0)
            counts = decided.get(team.id, {})
            total = counts.get("reached", 0) + counts.get("failed", 0)
            team.sla_attainment = 100.0 * counts.get("reached", 0) / total if total else 0.0

    def _dashboard_cases_action(self, domain, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_complaint_action")
        action["name"] = name
        action["domain"] = [("team_id", "=", self.id)] + domain
        action["context"] = {"default_team_id": self.id}
        return action

    def action_dashboard_unassigned(self):
        return self._dashboard_cases_action(
            [("state", "not in", DONE_STATES), ("user_id", "=", False)],
            self.env._("%(team)s: Unassigned Cases", team=self.display_name),
        )

    def action_dashboard_waiting(self):
        return self._dashboard_cases_action(
            [("state", "in", ("waiting_customer", "waiting_third_party"))],
            self.env._("%(team)s: Waiting Cases", team=self.display_name),
        )

    def action_dashboard_at_risk(self):
        return self._dashboard_cases_action(
            [("state", "not in", DONE_STATES), ("sla_state", "=", "at_risk")],
            self.env._("%(team)s: Cases at Risk", team=self.display_name),
        )

    def action_dashboard_failed_today(self):
        today_start = self._dashboard_today_start()
        return self._dashboard_cases_action(
            [
                (
                    "sla_line_ids",
                    "any",
                    [
                        ("state", "=", "failed"),
                        ("deadline", ">=", today_start),
                        ("deadline", "<", today_start + timedelta(days=1)),
                    ],
                )
            ],
            self.env._("%(team)s: SLA Breached Today", team=self.display_name),
        )
