from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_duplicate_check = fields.Boolean(
        string="Refuse Duplicate Customers",
        default=True,
        help="Refuse a new customer or lead that matches a customer already followed "
        "by another salesperson (same name, VAT, phone or email).",
    )
