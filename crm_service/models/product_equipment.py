from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    crm_tracked_at_customer = fields.Boolean(
        string="Tracked at Customer",
        help="Each unit delivered becomes an equipment of the customer (installed base), with its "
        "warranty and maintenance plan.",
    )
    crm_warranty_months = fields.Integer(
        string="Warranty (Months)", help="The warranty of an equipment of this product, from its delivery."
    )


class ProductProduct(models.Model):
    _inherit = "product.product"

    crm_equipment_plan_ids = fields.One2many("crm.equipment.plan", "product_id", string="Maintenance Plans")
