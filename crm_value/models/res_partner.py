from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL, format_amount, format_date

from .crm_value_score import ABC_CLASSES, CHURN_STATES

SPARKLINE_POINTS = 12
SPARKLINE_WIDTH = 240
SPARKLINE_HEIGHT = 48
SPARKLINE_PAD = 4
# the score fields the Value tab shows, read through the current company's score: each becomes
# the partner field crm_value_score_<name>, of the score field's type (a related field has its
# target's type) and with its label, or the label given here where a partner field of this addon
# already has the score's (the company-dependent copies for the lists)
SCORE_FIELDS_SHOWN = {
    "abc_class": (fields.Selection, "Value Class (Score)"),
    "cumulative_share": (fields.Float, None),
    "revenue_period": (fields.Monetary, None),
    "margin_period": (fields.Monetary, None),
    "revenue_total": (fields.Monetary, None),
    "margin_total": (fields.Monetary, None),
    "purchase_count": (fields.Integer, None),
    "first_purchase_date": (fields.Date, None),
    "last_purchase_date": (fields.Date, None),
    "rfm_recency": (fields.Integer, None),
    "rfm_frequency": (fields.Integer, None),
    "rfm_monetary": (fields.Integer, None),
    "rfm_segment": (fields.Many2one, "RFM Segment (Score)"),
    "development_index": (fields.Float, "Development Index (Score)"),
    "benefit_index": (fields.Float, "Benefit Index (Score)"),
    "churn_state": (fields.Selection, "Churn State (Score)"),
    "expected_interval_days": (fields.Float, None),
    "p_alive": (fields.Float, None),
    "expected_purchases": (fields.Float, None),
    "clv": (fields.Monetary, None),
    "service_tier": (fields.Selection, None),
    "computed_at": (fields.Datetime, None),
}


def _score_field(name, field_type, string=None):
    """The partner's read-only copy of the field ``name`` of the current company's score, for the
    Value tab; amounts in the score's currency."""
    attrs = {"string": string} if string else {}
    if field_type is fields.Monetary:
        attrs["currency_field"] = "crm_value_score_currency_id"
    return field_type(related=f"crm_value_score_id.{name}", groups="crm_value.group_crm_value_user", **attrs)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Company-dependent copies of the current company's score, for customer lists: Odoo 18 keeps
    # them in one jsonb column ({company id: value}) and searches, sorts and groups by the value of
    # the user's current company. Written only by crm.value.score._crm_value_sync_partners(), on
    # the commercial partner (contacts roll up to it, as the scores do).
    crm_value_abc_class = fields.Selection(
        ABC_CLASSES,
        string="Value Class",
        company_dependent=True,
        readonly=True,
        groups="crm_value.group_crm_value_user",
    )
    crm_value_churn_state = fields.Selection(
        CHURN_STATES,
        string="Churn State",
        company_dependent=True,
        readonly=True,
        groups="crm_value.group_crm_value_user",
    )
    crm_value_rfm_segment_id = fields.Many2one(
        "crm.value.rfm.segment",
        string="RFM Segment",
        company_dependent=True,
        readonly=True,
        groups="crm_value.group_crm_value_user",
    )
    crm_value_development_index = fields.Float(
        string="Development Index",
        company_dependent=True,
        readonly=True,
        digits=(16, 1),
        groups="crm_value.group_crm_value_user",
        help="100: growing in step with the company; above: faster; below: slower.",
    )
    crm_value_benefit_index = fields.Float(
        string="Benefit Index",
        company_dependent=True,
        readonly=True,
        digits=(16, 1),
        groups="crm_value.group_crm_value_user",
        help="0-100: the value our products and service create for the customer.",
    )
    # the Value tab of the form
    crm_value_score_id = fields.Many2one(
        "crm.value.score",
        string="Value Score",
        compute="_compute_crm_value_score_id",
        search="_search_crm_value_score_id",
        groups="crm_value.group_crm_value_user",
        help="The current company's score of the commercial partner.",
    )
    crm_value_score_count = fields.Integer(
        string="Value Scores", compute="_compute_crm_value_score_id", groups="crm_value.group_crm_value_user"
    )
    crm_value_trend_svg = fields.Html(
        string="Revenue Trend",
        compute="_compute_crm_value_trend_svg",
        # not sanitized: the sanitizer drops <svg>; the markup is built from numbers, every text escaped
        sanitize=False,
        groups="crm_value.group_crm_value_user",
        help="Revenue of the value period at each of the last 12 month-end snapshots.",
    )
    crm_value_score_currency_id = fields.Many2one(
        related="crm_value_score_id.currency_id",
        string="Value Currency",
        groups="crm_value.group_crm_value_user",
    )
    # crm_value_score_abc_class, crm_value_score_cumulative_share, ...: see SCORE_FIELDS_SHOWN
    # (the class body is the model's namespace: a field put in it is declared like any other)
    for _name, (_field_type, _string) in SCORE_FIELDS_SHOWN.items():
        vars()[f"crm_value_score_{_name}"] = _score_field(_name, _field_type, _string)
    del _name, _field_type, _string
    crm_value_score_explanation_html = fields.Html(
        related="crm_value_score_id.explanation_html", groups="crm_value.group_crm_value_user"
    )

    @api.depends_context("company", "allowed_company_ids")
    @api.depends("commercial_partner_id")
    def _compute_crm_value_score_id(self):
        commercial = self.commercial_partner_id
        scores = self.env["crm.value.score"].search_fetch(
            [("partner_id", "in", commercial.ids)], ["partner_id", "company_id"]
        )
        current = {s.partner_id.id: s for s in scores if s.company_id == self.env.company}
        counts = {}
        for score in scores:
            counts[score.partner_id.id] = counts.get(score.partner_id.id, 0) + 1
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.crm_value_score_id = current.get(key, False)
            partner.crm_value_score_count = counts.get(key, 0)

    def _search_crm_value_score_id(self, operator, value):
        """Partners whose commercial partner has one of the matching scores of the current company."""
        current = [("company_id", "=", self.env.company.id)]
        if operator in ("=", "!=") and not value:
            scores = self.env["crm.value.score"]._search(current)
            return [
                (
                    "commercial_partner_id",
                    "not in" if operator == "=" else "in",
                    scores.subselect("partner_id"),
                )
            ]
        scores = self.env["crm.value.score"]._search(current + [("id", operator, value)])
        return [("commercial_partner_id", "in", scores.subselect("partner_id"))]

    @api.depends_context("company", "lang")
    @api.depends("commercial_partner_id")
    def _compute_crm_value_trend_svg(self):
        snapshots = self._crm_value_last_snapshots(SPARKLINE_POINTS)
        for partner in self:
            partner.crm_value_trend_svg = self._crm_value_sparkline(
                snapshots.get(partner.commercial_partner_id.id, [])
            )

    def action_crm_value_open_scores(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_value.crm_value_score_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    def _crm_value_last_snapshots(self, limit):
        """{commercial partner id: [snapshot, ...]} with the ``limit`` latest snapshots of the
        current company, oldest first. The ids come from one window query; the records are then
        searched through the ORM so the user's record rules still decide what is shown."""
        partner_ids = self.commercial_partner_id.ids
        if not partner_ids:
            return {}
        Snapshot = self.env["crm.value.snapshot"]
        Snapshot.flush_model(["partner_id", "company_id", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM (
                    SELECT id, ROW_NUMBER() OVER (PARTITION BY partner_id ORDER BY date DESC) AS rank
                      FROM crm_value_snapshot
                     WHERE company_id = %(company_id)s AND partner_id = ANY(%(partner_ids)s)
                ) ranked
                WHERE rank <= %(limit)s
                """,
                company_id=self.env.company.id,
                partner_ids=partner_ids,
                limit=limit,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        result = {}
        for snapshot in Snapshot.search([("id", "in", ids)], order="date"):
            result.setdefault(snapshot.partner_id.id, []).append(snapshot)
        return result

    def _crm_value_sparkline(self, snapshots):
        """An inline SVG polyline of the revenue of ``snapshots`` (oldest first). Built only from
        numbers; every text (dates, amounts with the currency symbol, class) is escaped."""
        if not snapshots:
            return Markup('<span class="text-muted">%s</span>') % self.env._("No snapshots yet.")
        values = [snapshot.revenue_period or 0.0 for snapshot in snapshots]
        low, high = min(values + [0.0]), max(values + [0.0])
        span = (high - low) or 1.0
        step = (SPARKLINE_WIDTH - 2 * SPARKLINE_PAD) / max(len(values) - 1, 1)
        inner = SPARKLINE_HEIGHT - 2 * SPARKLINE_PAD
        points = [
            (SPARKLINE_PAD + index * step, SPARKLINE_PAD + inner * (high - value) / span)
            for index, value in enumerate(values)
        ]
        polyline = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        circles = Markup("").join(
            Markup('<circle cx="%.1f" cy="%.1f" r="2"><title>%s</title></circle>')
            % (x, y, self._crm_value_sparkline_label(snapshot))
            for (x, y), snapshot in zip(points, snapshots, strict=True)
        )
        label = self.env._("Revenue of the value period at the last %(count)s month ends", count=len(values))
        return Markup(
            '<svg class="o_crm_value_sparkline" xmlns="http://www.w3.org/2000/svg" role="img" '
            'width="%(w)s" height="%(h)s" viewBox="0 0 %(w)s %(h)s" aria-label="%(label)s">'
            '<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="%(points)s"/>'
            "%(circles)s</svg>"
        ) % {
            "w": SPARKLINE_WIDTH,
            "h": SPARKLINE_HEIGHT,
            "label": label,
            "points": polyline,
            "circles": circles,
        }

    def _crm_value_sparkline_label(self, snapshot):
        amount = format_amount(self.env, snapshot.revenue_period, snapshot.currency_id)
        text = f"{format_date(self.env, snapshot.date)}: {amount}"
        if snapshot.abc_class:
            text += f" ({snapshot.abc_class})"
        return escape(text)
