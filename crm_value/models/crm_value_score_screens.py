from odoo import api, fields, models
from odoo.tools import SQL

# Bands of the development x benefit map (crm.value.score pivot and graph). A null index (no data)
# has no band. The bounds are the ones of the map; the indices themselves keep full precision.
DEVELOPMENT_BANDS = [
    ("slower", "Slower (< 80)"),
    ("in_step", "In Step (80-120)"),
    ("faster", "Faster (> 120)"),
]
DEVELOPMENT_BAND_BOUNDS = (80.0, 120.0)
BENEFIT_BANDS = [
    ("low", "Low (< 40)"),
    ("medium", "Medium (40-70)"),
    ("high", "High (>= 70)"),
]
BENEFIT_BAND_BOUNDS = (40.0, 70.0)
# company-dependent res.partner column -> crm_value_score column it copies
PARTNER_SYNC_COLUMNS = {
    "crm_value_abc_class": "abc_class",
    "crm_value_churn_state": "churn_state",
    "crm_value_rfm_segment_id": "rfm_segment",
    "crm_value_development_index": "development_index",
    "crm_value_benefit_index": "benefit_index",
}


class CrmValueScore(models.Model):
    """What the screens need on top of the scores: the bands of the development x benefit map and
    the copy of each score onto its partner (company-dependent fields of customer lists)."""

    _inherit = "crm.value.score"  # pylint: disable=consider-merging-classes-inherited

    development_band = fields.Selection(DEVELOPMENT_BANDS, readonly=True, index=True)
    benefit_band = fields.Selection(BENEFIT_BANDS, readonly=True, index=True)
    pareto_percentile = fields.Integer(
        string="Top % of Customers",
        readonly=True,
        aggregator="max",
        help="Where the customer stands in the company's ranking (by cumulative share): 1 for the "
        "first hundredth of the customers, 100 for the last. The x axis of the Pareto curve.",
    )

    @api.model
    def _crm_value_after_store(self, company, as_of):
        """After the engine stored ``company``'s scores: bands, then the partners' copies."""
        res = super()._crm_value_after_store(company, as_of)
        self._crm_value_update_bands(company)
        self._crm_value_sync_partners(company, partner_ids=self._crm_value_stored_partner_ids())
        return res

    @api.model
    def _crm_value_update_bands(self, company):
        """One UPDATE of the map bands and Pareto percentiles of ``company``'s scores, only where
        one of them changes."""
        self.flush_model(
            [
                "development_index",
                "benefit_index",
                "cumulative_share",
                "development_band",
                "benefit_band",
                "pareto_percentile",
            ]
        )
        dev_low, dev_high = DEVELOPMENT_BAND_BOUNDS
        ben_low, ben_high = BENEFIT_BAND_BOUNDS
        self.env.cr.execute(
            SQL(
                """
                WITH bands AS (
                    SELECT id,
                           CASE WHEN development_index IS NULL THEN NULL
                                WHEN development_index < %(dev_low)s THEN 'slower'
                                WHEN development_index <= %(dev_high)s THEN 'in_step'
                                ELSE 'faster' END AS development_band,
                           CASE WHEN benefit_index IS NULL THEN NULL
                                WHEN benefit_index < %(ben_low)s THEN 'low'
                                WHEN benefit_index < %(ben_high)s THEN 'medium'
                                ELSE 'high' END AS benefit_band,
                           CEIL(100.0 * ROW_NUMBER() OVER (ORDER BY cumulative_share NULLS LAST, id)
                                / COUNT(*) OVER ())::int AS pareto_percentile
                      FROM crm_value_score
                     WHERE company_id = %(company_id)s
                )
                UPDATE crm_value_score score
                   SET development_band = bands.development_band, benefit_band = bands.benefit_band,
                       pareto_percentile = bands.pareto_percentile
                  FROM bands
                 WHERE score.id = bands.id
                   AND (score.development_band IS DISTINCT FROM bands.development_band
                        OR score.benefit_band IS DISTINCT FROM bands.benefit_band
                        OR score.pareto_percentile IS DISTINCT FROM bands.pareto_percentile)
                """,
                company_id=company.id,
                dev_low=dev_low,
                dev_high=dev_high,
                ben_low=ben_low,
                ben_high=ben_high,
            )
        )
        self.invalidate_model(["development_band", "benefit_band", "pareto_percentile"])
        return self.env.cr.rowcount

    @api.model
    def _crm_value_sync_partners(self, company, partner_ids=None):
        """Copy ``company``'s scores onto the company-dependent fields of their partners, in one
        UPDATE: each jsonb column gets the key of ``company`` set to the score's value (or removed
        when the partner has no score of ``company`` any more); only partners whose copy differs
        are written. Returns the number of partners updated.

        ``partner_ids``: only these partners (the recompute passes the partners whose score it
        just wrote; the others' copies are already right), without looking through every
        partner for copies whose score is gone (the recompute never deletes a score)."""
        Partner = self.env["res.partner"]
        self.flush_model(list(PARTNER_SYNC_COLUMNS.values()) + ["partner_id", "company_id"])
        Partner.flush_model(list(PARTNER_SYNC_COLUMNS))
        key = str(company.id)
        assignments = []
        differs = []
        any_key = []
        for column, source in PARTNER_SYNC_COLUMNS.items():
            col = SQL.identifier(column)
            value = SQL("src.%s", SQL.identifier(source))
            assignments.append(
                SQL(
                    "%(col)s = CASE WHEN %(value)s IS NULL THEN partner.%(col)s - %(key)s::text"
                    " ELSE COALESCE(partner.%(col)s, '{}'::jsonb)"
                    " || jsonb_build_object(%(key)s::text, %(value)s) END",
                    col=col,
                    value=value,
                    key=key,
                )
            )
            differs.append(
                SQL(
                    "(partner.%(col)s -> %(key)s::text) IS DISTINCT FROM to_jsonb(%(value)s)",
                    col=col,
                    key=key,
                    value=value,
                )
            )
            any_key.append(SQL("candidate.%s ? %s::text", col, key))
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner partner
                   SET %(assignments)s
                  FROM (
                        SELECT candidate.id AS partner_id, %(sources)s
                          FROM res_partner candidate
                          LEFT JOIN crm_value_score score
                                 ON score.partner_id = candidate.id AND score.company_id = %(company_id)s
                         WHERE %(candidates)s
                       ) src
                 WHERE partner.id = src.partner_id AND (%(differs)s)
                """,
                assignments=SQL(", ").join(assignments),
                sources=SQL(", ").join(
                    SQL("score.%s AS %s", SQL.identifier(source), SQL.identifier(source))
                    for source in PARTNER_SYNC_COLUMNS.values()
                ),
                company_id=company.id,
                candidates=SQL("candidate.id = ANY(%s)", list(partner_ids))
                if partner_ids is not None
                else SQL("score.id IS NOT NULL OR %s", SQL(" OR ").join(any_key)),
                differs=SQL(" OR ").join(differs),
            )
        )
        updated = self.env.cr.rowcount
        Partner.invalidate_model(list(PARTNER_SYNC_COLUMNS))
        return updated
