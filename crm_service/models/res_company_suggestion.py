from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crm_service_benefit_weight_suggestions = fields.Float(
        string="Weight: Suggestions Shipped",
        default=1.0,
        help="Weight, in the benefit index, of the share of the suggestions a customer asked for that "
        "shipped in the value period. 0: not counted.",
    )

    def write(self, vals):
        # the next value run computes the benefit index again with the new weight
        if "crm_service_benefit_weight_suggestions" in vals and "crm_value_last_run" not in vals:
            vals = dict(vals, crm_value_last_run=False)
        return super().write(vals)

    @api.constrains("crm_service_benefit_weight_suggestions")
    def _check_crm_service_benefit_weight_suggestions(self):
        self._crm_check_setting_range("crm_service_benefit_weight_suggestions", 0)
