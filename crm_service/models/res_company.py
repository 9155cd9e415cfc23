from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_service_portal = fields.Boolean(
        string="Complaints in the Portal",
        default=True,
        help="Customers file and follow their complaints and suggestions from their portal account.",
    )
