from odoo import api, models

# Models whose messages count as a contact with their customer, and the field leading to it.
CRM_CONTACT_MODELS = {
    "res.partner": "commercial_partner_id",
    "crm.lead": "partner_id",
    "sale.order": "partner_id",
}
CRM_CONTACT_MESSAGE_TYPES = ("comment", "email", "email_outgoing")


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        # most messages are notifications and tracking of other documents: decided from the
        # values, without reading the new messages back (a query per message created)
        if any(
            vals.get("model") in CRM_CONTACT_MODELS
            and (
                vals.get("message_type", "comment") in CRM_CONTACT_MESSAGE_TYPES
                or vals.get("mail_activity_type_id")
            )
            for vals in vals_list
        ):
            messages._crm_register_contacts()
        return messages

    def _crm_register_contacts(self):
        """Messages and emails of internal users, and activities marked done, on a customer,
        its leads or its orders are contacts: they move the customer's last contact at once."""
        contacts = self.filtered(
            lambda message: (
                message.model in CRM_CONTACT_MODELS
                and message.res_id
                and (message.message_type in CRM_CONTACT_MESSAGE_TYPES or message.mail_activity_type_id)
            )
        )
        if not contacts:
            return
        # sudo: who wrote the message and which customer the document is for are bookkeeping;
        # the user may post on an order whose customer they cannot read
        contacts = contacts.sudo()
        internal = contacts.filtered(
            lambda message: message.author_id.user_ids and not all(message.author_id.user_ids.mapped("share"))
        )
        partners = self.env["res.partner"].sudo()
        for model, messages in internal.grouped("model").items():
            records = self.env[model].sudo().browse(messages.mapped("res_id")).exists()
            partners |= records.mapped(CRM_CONTACT_MODELS[model])
        if partners:
            date = max(internal.mapped("date"))
            self.env["res.partner"].sudo()._crm_register_contact(partners, date)
