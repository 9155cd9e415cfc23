from odoo import fields, models

from .crm_complaint import CHANNELS, SERVICE_MODELS


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_model = fields.Selection(
        SERVICE_MODELS,
        help="Tiered: the service desk takes the customer's cases first, technical staff when needed. "
        "Dedicated: one representative handles every case of the customer.",
    )
    service_rep_id = fields.Many2one(
        "res.users",
        string="Service Representative",
        domain="[('share', '=', False)]",
        help="Dedicated service: the person who gets every new case of the customer.",
    )
    service_rep_backup_id = fields.Many2one(
        "res.users",
        string="Backup Representative",
        domain="[('share', '=', False)]",
        help="Takes the customer's cases while the representative is away.",
    )
    service_team_id = fields.Many2one("crm.service.team", help="The team that takes the customer's cases.")
    preferred_channel = fields.Selection(CHANNELS, help="How the customer prefers to be served.")
