# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.crm_care_event import CARE_OUTCOMES


class CrmCareEventDone(models.TransientModel):
    _name = "crm.care.event.done"
    _description = "Care Done"

    event_ids = fields.Many2many("crm.care.event", string="Care Events", required=True)
    outcome = fields.Selection(CARE_OUTCOMES, required=True, default="reached")
    note = fields.Html(help="What the customer said; added to the event.")

    def action_confirm(self):
        self.ensure_one()
        self.event_ids.action_done(self.outcome, note=self.note or None)
        return {"type": "ir.actions.act_window_close"}
