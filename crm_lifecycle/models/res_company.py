from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_duplicate_check = fields.Boolean(
        string="Refuse Duplicate Customers",
        default=True,
        help="Refuse a new customer or lead that matches a customer already followed "
        "by another salesperson (same name, VAT, phone or email).",
    )
    crm_check_daily_limit = fields.Integer(
        string="Daily Customer Checks",
        default=200,
        help="How many lookups of Check Customer a salesperson may make a day, counted from "
        "midnight in their time zone; sales managers are not limited. 0: no limit.",
    )
    crm_cost_guard = fields.Boolean(
        string="Quotation Cost Guard",
        help="Refuse to send or confirm a quotation while a product line has no internal cost "
        "or a margin below the minimum. Sales managers may override it; the override is logged "
        "on the order.",
    )
    crm_cost_guard_min_margin = fields.Float(
        string="Minimum Margin (%)",
        help="Refuse product lines whose margin is below this percentage of the sale price. "
        "0: no minimum, only lines without cost are refused.",
    )

    @api.constrains("crm_cost_guard_min_margin")
    def _check_crm_cost_guard_min_margin(self):
        for company in self:
            if not 0 <= company.crm_cost_guard_min_margin < 100:
                raise ValidationError(
                    self.env._(
                        "The minimum margin of the quotation cost guard of %(company)s must be "
                        "between 0 and 100%%, not %(margin)s%%.",
                        company=company.name,
                        margin=company.crm_cost_guard_min_margin,
                    )
                )

    @api.constrains("crm_check_daily_limit")
    def _check_crm_check_daily_limit(self):
        for company in self:
            if company.crm_check_daily_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The daily limit of customer checks of %(company)s cannot be negative "
                        "(0 means no limit).",
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company in companies:
            self.env["crm.pool"]._get_default(company)
        return companies
