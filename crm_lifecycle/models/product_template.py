from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    crm_no_cost_needed = fields.Boolean(
        string="No Cost Needed",
        help="The quotation cost guard lets this product through without an internal cost or a "
        "minimum margin (delivery fees, discounts, free samples...).",
    )
