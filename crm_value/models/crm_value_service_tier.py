from odoo import fields, models

from .crm_value_score import ABC_CLASSES, SERVICE_TIERS


class CrmValueServiceTierRule(models.Model):
    """A cell of the service-tier matrix: value class x development index -> recommended service."""

    _name = "crm.value.service.tier.rule"
    _description = "Service Tier Rule"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    abc_class = fields.Selection(ABC_CLASSES, string="Value Class", required=True)
    development_min = fields.Float(string="Development Index From", default=0.0)
    development_max = fields.Float(string="Development Index To", default=200.0)
    service_tier = fields.Selection(SERVICE_TIERS, string="Recommended Service", required=True)
    company_id = fields.Many2one("res.company", help="Empty: every company.")
    active = fields.Boolean(default=True)
