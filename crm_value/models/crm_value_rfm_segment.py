from odoo import fields, models


class CrmValueRfmSegment(models.Model):
    """One cell range of the editable R x F grid that names a customer's RFM segment."""

    _name = "crm.value.rfm.segment"
    _description = "RFM Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="The first segment whose ranges hold the scores wins.")
    recency_min = fields.Integer(default=1, required=True)
    recency_max = fields.Integer(default=5, required=True)
    frequency_min = fields.Integer(default=1, required=True)
    frequency_max = fields.Integer(default=5, required=True)
    description = fields.Text(translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
