from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_service_portal = fields.Boolean(
        string="Complaints in the Portal",
        default=True,
        help="Customers file and follow their complaints and suggestions from their portal account.",
    )
    crm_service_portal_company_cases = fields.Boolean(
        string="Company Cases in the Portal",
        help="A customer's portal users see every case of their company, not only their own.",
    )
