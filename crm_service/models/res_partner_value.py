from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from .crm_value_score_service import ENDED_STATES, POOR_RATING


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_service_open_case_count = fields.Integer(
        string="Open Cases",
        compute="_compute_crm_service_value",
        groups="crm_value.group_crm_value_user",
        help="Cases of the customer in the current company not resolved, closed or cancelled.",
    )
    crm_service_sla_line_count = fields.Integer(
        string="SLA Targets Ended (Period)",
        compute="_compute_crm_service_value",
        groups="crm_value.group_crm_value_user",
    )
    crm_service_sla_attainment = fields.Float(
        string="SLA Attainment (%)",
        compute="_compute_crm_service_value",
        groups="crm_value.group_crm_value_user",
        digits=(16, 1),
        help="Of the SLA targets of the customer's cases that ended in the value period (reached or "
        "failed), the share reached in time.",
    )
    crm_service_rating_count = fields.Integer(
        string="Ratings (Period)",
        compute="_compute_crm_service_value",
        groups="crm_value.group_crm_value_user",
    )
    crm_service_satisfaction = fields.Float(
        string="Satisfaction (of 5)",
        compute="_compute_crm_service_value",
        groups="crm_value.group_crm_value_user",
        digits=(16, 2),
        help="Mean rating the customer gave on its cases in the value period, 1 to 5.",
    )
    crm_service_signal = fields.Char(
        string="Service Signal",
        compute="_compute_crm_service_value",
        groups="crm_value.group_crm_value_user",
        help="The latest service fact that raises the customer's churn state to at risk: an open "
        "case past its SLA, or a poor rating in the window of the settings.",
    )

    @api.depends_context("company", "allowed_company_ids", "uid")
    def _compute_crm_service_value(self):
        """Three queries per batch of partners, over the cases the user may read (record rules
        applied through ``_search``) of the current company."""
        values = {}
        commercial = self.commercial_partner_id
        Case = self.env["crm.complaint"]
        if commercial.ids and Case.has_access("read"):
            values = self._crm_service_value_figures(commercial)
        for partner in self:
            figures = values.get(partner.commercial_partner_id.id, {})
            partner.crm_service_open_case_count = figures.get("open", 0)
            partner.crm_service_sla_line_count = figures.get("sla_lines", 0)
            partner.crm_service_sla_attainment = figures.get("sla", 0.0)
            partner.crm_service_rating_count = figures.get("ratings", 0)
            partner.crm_service_satisfaction = figures.get("satisfaction", 0.0)
            partner.crm_service_signal = figures.get("signal", False)

    def _crm_service_value_figures(self, commercial):
        company = self.env.company
        Case = self.env["crm.complaint"]
        for model in ("crm.complaint", "crm.complaint.sla.line", "rating.rating"):
            self.env[model].flush_model()
        visible = Case._search(
            [("commercial_partner_id", "in", commercial.ids), ("company_id", "=", company.id)]
        )
        today = fields.Date.context_today(self)
        date_from, date_to = self.env["crm.value.score"]._crm_value_benefit_period(company, today)
        period = {"date_from": date_from, "date_to": date_to}
        figures = {}
        for partner, count in Case._read_group(
            [("id", "in", visible), ("state", "not in", ENDED_STATES)], ["commercial_partner_id"], ["__count"]
        ):
            figures.setdefault(partner.id, {})["open"] = count
        self.env.cr.execute(
            SQL(
                """
                SELECT c.commercial_partner_id,
                       COUNT(*) FILTER (WHERE l.state = 'reached'
                                        AND l.reached_date >= %(date_from)s::date + 1
                                        AND l.reached_date < %(date_to)s::date + 1),
                       COUNT(*) FILTER (WHERE l.state = 'failed'
                                        AND COALESCE(l.deadline, l.reached_date) >= %(date_from)s::date + 1
                                        AND COALESCE(l.deadline, l.reached_date) < %(date_to)s::date + 1),
                       MAX(COALESCE(l.deadline, l.reached_date, l.write_date))
                           FILTER (WHERE l.state = 'failed' AND c.state NOT IN %(ended)s)
                  FROM crm_complaint_sla_line l
                  JOIN crm_complaint c ON c.id = l.complaint_id
                 WHERE l.complaint_id IN %(visible)s
              GROUP BY c.commercial_partner_id
                """,
                visible=visible.subselect(),
                ended=ENDED_STATES,
                **period,
            )
        )
        signals = {}
        for partner_id, reached, failed, breach in self.env.cr.fetchall():
            entry = figures.setdefault(partner_id, {})
            entry["sla_lines"] = reached + failed
            if reached + failed:
                entry["sla"] = 100.0 * reached / (reached + failed)
            if breach:
                signals.setdefault(partner_id, []).append((breach, "breach"))
        poor_since = today - timedelta(days=max(company.crm_service_poor_rating_days, 1) - 1)
        self.env.cr.execute(
            SQL(
                """
                SELECT c.commercial_partner_id,
                       AVG(r.rating) FILTER (WHERE r.write_date >= %(date_from)s::date + 1
                                         AND r.write_date < %(date_to)s::date + 1),
                       COUNT(*) FILTER (WHERE r.write_date >= %(date_from)s::date + 1
                                        AND r.write_date < %(date_to)s::date + 1),
                       MAX(r.write_date) FILTER (WHERE r.rating <= %(poor)s AND r.write_date >= %(poor_since)s
                                                 AND r.write_date < %(date_to)s::date + 1)
                  FROM rating_rating r
                  JOIN crm_complaint c ON c.id = r.res_id
                 WHERE r.res_model = 'crm.complaint' AND r.consumed AND r.rating > 0
                   AND r.res_id IN %(visible)s
              GROUP BY c.commercial_partner_id
                """,
                visible=visible.subselect(),
                poor=POOR_RATING,
                poor_since=poor_since,
                **period,
            )
        )
        for partner_id, mean, count, poor in self.env.cr.fetchall():
            entry = figures.setdefault(partner_id, {})
            entry["ratings"] = count
            if count:
                entry["satisfaction"] = float(mean)
            if poor:
                signals.setdefault(partner_id, []).append((poor, "rating"))
        for partner_id, found in signals.items():
            when, kind = max(found)
            date = format_date(self.env, when)
            if kind == "breach":
                text = self.env._("SLA failed on an open case (%(date)s)", date=date)
            else:
                text = self.env._("Poor rating of a case (%(date)s)", date=date)
            figures[partner_id]["signal"] = text
        return figures
