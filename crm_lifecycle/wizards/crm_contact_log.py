from markupsafe import Markup

from odoo import fields, models
from odoo.tools import is_html_empty


class CrmContactLog(models.TransientModel):
    _name = "crm.contact.log"
    _description = "Log a Call"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    summary = fields.Char(required=True, help="What was said, in one line; shown in the chatter.")
    note = fields.Html(string="Notes")

    def action_confirm(self):
        """Post the call on the customer's chatter: an internal note counts as a contact."""
        self.ensure_one()
        body = Markup("<p>%s</p>") % self.env._("Call: %(summary)s", summary=self.summary)
        if not is_html_empty(self.note):
            body += self.note
        partner = self.partner_id.commercial_partner_id
        partner.check_access("write")
        # logged, not sent: works for a salesperson without an email address of their own
        partner._message_log(body=body, message_type="comment")
        return {"type": "ir.actions.act_window_close"}
