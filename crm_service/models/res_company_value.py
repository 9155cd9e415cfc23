from odoo import api, fields, models

# weights of the benefit-index components of this file's concern (crm_value_score_service.py)
SERVICE_BENEFIT_WEIGHT_FIELDS = (
    "crm_service_benefit_weight_satisfaction",
    "crm_service_benefit_weight_sla",
)


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crm_service_benefit_weight_satisfaction = fields.Float(
        string="Weight: Service Satisfaction",
        default=1.0,
        help="Weight of the customer's mean rating of its cases (rating / 5) in the benefit index. "
        "0: not counted.",
    )
    crm_service_benefit_weight_sla = fields.Float(
        string="Weight: SLA Attainment",
        default=1.0,
        help="Weight of the share of the customer's SLA targets met in time in the benefit index. "
        "0: not counted.",
    )
    crm_service_poor_rating_days = fields.Integer(
        string="Poor Rating Window (Days)",
        default=90,
        help="A rating of 2 of 5 or less given by a customer on one of its cases within this many days "
        "raises its churn state to at least At Risk.",
    )

    @api.constrains(*SERVICE_BENEFIT_WEIGHT_FIELDS, "crm_service_poor_rating_days")
    def _check_crm_service_value_settings(self):
        for fname in SERVICE_BENEFIT_WEIGHT_FIELDS:
            self._crm_check_setting_range(fname, 0)
        self._crm_check_setting_range("crm_service_poor_rating_days", 1)

    def write(self, vals):
        # the next value run reuses no benefit index computed with the former weights (as
        # crm_value does for its own weights)
        if set(SERVICE_BENEFIT_WEIGHT_FIELDS) & set(vals) and "crm_value_last_run" not in vals:
            vals = dict(vals, crm_value_last_run=False)
        return super().write(vals)
