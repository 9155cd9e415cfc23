from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_value_period_months = fields.Integer(
        string="Value Period (Months)",
        default=12,
        help="Months of posted invoices counted in the recent revenue, margin and RFM indices.",
    )

    @api.constrains("crm_value_period_months")
    def _check_crm_value_period_months(self):
        for company in self:
            if not 1 <= company.crm_value_period_months <= 120:
                raise ValidationError(
                    self.env._(
                        "The value period of %(company)s must be between 1 and 120 months, not %(months)s.",
                        company=company.name,
                        months=company.crm_value_period_months,
                    )
                )
