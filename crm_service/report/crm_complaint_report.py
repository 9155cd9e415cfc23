# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.crm_complaint import CASE_TYPES, CHANNELS, SERVICE_MODELS, SEVERITIES
from ..models.crm_complaint_stage import COMPLAINT_STATES


class CrmComplaintReport(models.Model):
    """Cases analysis: one row per case, for the Pareto of complaints by category, product and
    root cause, the reopen rate and the satisfaction by agent and team.

    *Reopen rate* averages 100 for a case reopened at least once, 0 otherwise. *Satisfaction*
    is the customer's last rating of the case (1 to 5; cases never rated count nothing)."""

    _name = "crm.complaint.report"
    _description = "Cases Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Reference", readonly=True)
    complaint_id = fields.Many2one("crm.complaint", string="Case", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(string="Opened On", readonly=True)
    closed_date = fields.Datetime(string="Closed On", readonly=True)
    case_type = fields.Selection(CASE_TYPES, string="Type", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    stage_id = fields.Many2one("crm.complaint.stage", readonly=True)
    state = fields.Selection(COMPLAINT_STATES, readonly=True)
    team_id = fields.Many2one("crm.service.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    category_id = fields.Many2one("crm.complaint.category", readonly=True)
    root_cause_id = fields.Many2one("crm.complaint.root.cause", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    service_model = fields.Selection(SERVICE_MODELS, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True, aggregator="sum")
    reopen_count = fields.Integer(string="Reopened", readonly=True, aggregator="sum")
    reopen_rate = fields.Float(
        string="Reopen Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Cases reopened at least once, in percent of the cases.",
    )
    rating = fields.Float(
        string="Satisfaction",
        readonly=True,
        aggregator="avg",
        help="The customer's last rating of the case, 1 (unhappy) to 5 (happy); cases never rated "
        "are left out of the average.",
    )
    rated_count = fields.Integer(string="Rated Cases", readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS (
                    SELECT complaint.id,
                           complaint.name,
                           complaint.id AS complaint_id,
                           complaint.company_id,
                           complaint.create_date AS date,
                           complaint.closed_date,
                           complaint.case_type,
                           complaint.channel,
                           complaint.stage_id,
                           complaint.state,
                           complaint.team_id,
                           complaint.user_id,
                           complaint.category_id,
                           complaint.root_cause_id,
                           complaint.product_id,
                           complaint.severity,
                           complaint.service_model,
                           complaint.commercial_partner_id AS partner_id,
                           1 AS case_count,
                           COALESCE(complaint.reopen_count, 0) AS reopen_count,
                           CASE WHEN COALESCE(complaint.reopen_count, 0) > 0 THEN 100.0 ELSE 0.0 END
                               AS reopen_rate,
                           CASE WHEN complaint.rating_last_value > 0 THEN complaint.rating_last_value END
                               AS rating,
                           (COALESCE(complaint.rating_last_value, 0) > 0)::integer AS rated_count
                      FROM crm_complaint complaint
                )
                """,
                table=SQL.identifier(self._table),
            )
        )
