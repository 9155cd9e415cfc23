from odoo import fields, models


class CrmLostReason(models.Model):
    _inherit = "crm.lost.reason"

    is_invalid_customer = fields.Boolean(
        string="Invalid Customer",
        help="A lead lost for this reason moves its customer to the lifecycle stage 'Invalid', "
        "unless the customer has another open lead or order.",
    )
