from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    is_potential = fields.Boolean(
        string="Marks a Potential Customer",
        help="An opportunity reaching this stage moves its customer to the lifecycle stage 'Potential'.",
    )
