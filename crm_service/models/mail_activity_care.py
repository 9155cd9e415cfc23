# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """An activity of a care event marked done from the chatter or the activity view: the care
        is done too (without an outcome: the event's Done button records one)."""
        events = (
            self.env["crm.care.event"].sudo().search([("activity_id", "in", self.ids), ("state", "=", "due")])
        )
        if events:
            # the bookkeeping of the events of activities the user may mark done (Odoo checked it)
            events.write(
                {"state": "done", "done_date": fields.Date.context_today(self), "done_uid": self.env.uid}
            )
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
