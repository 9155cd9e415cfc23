from odoo import api, fields, models

# weights of the benefit index components of this addon (crm_value_score_benefit.py)
BENEFIT_WEIGHT_FIELDS = (
    "crm_value_benefit_weight_discount",
    "crm_value_benefit_weight_not_credited",
    "crm_value_benefit_weight_confirmed",
    "crm_value_benefit_weight_on_time",
)


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        # the next run reuses no benefit index computed with the former settings (the engine's
        # second run of a day copies the benefit index of unchanged customers)
        if (set(BENEFIT_WEIGHT_FIELDS) | {"crm_value_benefit_discount_full"}) & set(
            vals
        ) and "crm_value_last_run" not in vals:
            vals = dict(vals, crm_value_last_run=False)
        return super().write(vals)

    crm_value_benefit_weight_discount = fields.Float(
        string="Weight: Discounts and Credits",
        default=1.0,
        help="Weight of the discounts and credit notes granted back in the benefit index. 0: not counted.",
    )
    crm_value_benefit_weight_not_credited = fields.Float(
        string="Weight: Invoices Not Credited",
        default=1.0,
        help="Weight of the share of invoices no credit note reverses in the benefit index. 0: not counted.",
    )
    crm_value_benefit_weight_confirmed = fields.Float(
        string="Weight: Confirmed Benefits",
        default=1.0,
        help="Weight of the benefits the customer confirmed (relative to its revenue) in the benefit "
        "index. 0: not counted.",
    )
    crm_value_benefit_weight_on_time = fields.Float(
        string="Weight: On-Time Payment",
        default=1.0,
        help="Weight of the share of invoices paid in full by their due date in the benefit index. "
        "0: not counted.",
    )
    crm_value_benefit_discount_full = fields.Float(
        string="Discounts for a Full Score (%)",
        default=10.0,
        help="Discounts and credits granted back, in percent of the gross invoiced amount, that give "
        "the component its full value (1); less counts in proportion.",
    )

    @api.constrains(*BENEFIT_WEIGHT_FIELDS, "crm_value_benefit_discount_full")
    def _check_crm_value_benefit_settings(self):
        for fname in BENEFIT_WEIGHT_FIELDS:
            self._crm_check_setting_range(fname, 0)
        self._crm_check_setting_range("crm_value_benefit_discount_full", 0, 100, low_open=True)
