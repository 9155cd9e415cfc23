# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_complaint import CASE_TYPES, SERVICE_MODELS, SEVERITIES
from ..models.crm_complaint_sla_line import SLA_STATES, SLA_TARGETS


class CrmServiceSlaReport(models.Model):
    """SLA attainment: one row per SLA target of a case (``crm.complaint.sla.line``), with the
    case's team, agent, category, severity and service model.

    *Attainment* is reached / (reached + failed), in percent: each decided target counts 100
    (reached) or 0 (failed), targets still running or paused count nothing, and the average
    of the rows is the attainment of any group. *Working hours to respond* and *to resolve*
    are the working hours the reached targets used (the policy's calendar)."""

    _name = "crm.service.sla.report"
    _description = "SLA Attainment Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "complaint_id"

    complaint_id = fields.Many2one("crm.complaint", string="Case", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(string="Opened On", readonly=True)
    target = fields.Selection(SLA_TARGETS, readonly=True)
    state = fields.Selection(SLA_STATES, string="SLA State", readonly=True)
    policy_id = fields.Many2one("crm.sla.policy", string="SLA Policy", readonly=True)
    deadline = fields.Datetime(readonly=True)
    reached_date = fields.Datetime(readonly=True)
    team_id = fields.Many2one("crm.service.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    category_id = fields.Many2one("crm.complaint.category", readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    service_model = fields.Selection(SERVICE_MODELS, readonly=True)
    case_type = fields.Selection(CASE_TYPES, string="Type", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    decided_count = fields.Integer(string="Decided Targets", readonly=True, aggregator="sum")
    reached_count = fields.Integer(string="Reached", readonly=True, aggregator="sum")
    failed_count = fields.Integer(string="Failed", readonly=True, aggregator="sum")
    attainment = fields.Float(
        string="Attainment (%)",
        readonly=True,
        aggregator="avg",
        help="Reached targets among the decided ones (reached or failed), in percent.",
    )
    response_hours = fields.Float(
        string="Working Hours to Respond",
        readonly=True,
        aggregator="avg",
        help="Working hours the reached response targets used.",
    )
    resolution_hours = fields.Float(
        string="Working Hours to Resolve",
        readonly=True,
        aggregator="avg",
        help="Working hours the reached resolution targets used.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT line.id,
                           line.complaint_id,
                           line.company_id,
                           complaint.create_date AS date,
                           line.target,
                           line.state,
                           line.policy_id,
                           line.deadline,
                           line.reached_date,
                           complaint.team_id,
                           complaint.user_id,
                           complaint.category_id,
                           complaint.severity,
                           complaint.service_model,
                           complaint.case_type,
                           complaint.commercial_partner_id AS partner_id,
                           (line.state IN ('reached', 'failed'))::integer AS decided_count,
                           (line.state = 'reached')::integer AS reached_count,
                           (line.state = 'failed')::integer AS failed_count,
                           CASE line.state WHEN 'reached' THEN 100.0 WHEN 'failed' THEN 0.0 END AS attainment,
                           CASE WHEN line.state = 'reached' AND line.target = 'response'
                                THEN line.consumed_hours END AS response_hours,
                           CASE WHEN line.state = 'reached' AND line.target = 'resolution'
                                THEN line.consumed_hours END AS resolution_hours
                      FROM crm_complaint_sla_line line
                      JOIN crm_complaint complaint ON complaint.id = line.complaint_id
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
