from odoo import api, fields, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        if not self.env.user.share:
            # a meeting arranged with customers is a contact with them; sudo: the attendees'
            # companies may be customers the organiser only meets, bookkeeping only
            attendees = events.sudo().partner_ids.filtered(lambda partner: not partner.user_ids)
            if attendees:
                self.env["res.partner"].sudo()._crm_register_contact(attendees, fields.Datetime.now())
        return events
