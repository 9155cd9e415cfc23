from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
        for company in self:
            if any(company[fname] < 0 for fname in BENEFIT_WEIGHT_FIELDS):
                raise ValidationError(
                    self.env._(
                        "The benefit index weights of %(company)s cannot be negative.", company=company.name
                    )
                )
            if not 0 < company.crm_value_benefit_discount_full <= 100:
                raise ValidationError(
                    self.env._(
                        "The discounts giving a full benefit score at %(company)s must be more than 0%% "
                        "and at most 100%%, not %(value)s%%.",
                        company=company.name,
                        value=company.crm_value_benefit_discount_full,
                    )
                )
