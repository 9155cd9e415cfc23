from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from ..models.crm_complaint import CHANNELS


class CrmSuggestionLog(models.TransientModel):
    """Log a customer's suggestion in one step, from a partner, a case or a lead: a new
    suggestion with the customer's vote, or the customer's vote on an existing suggestion."""

    _name = "crm.suggestion.log"
    _description = "Log a Suggestion"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        domain="[('parent_id', '=', partner_id)]",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    mode = fields.Selection(
        [("new", "A new suggestion"), ("existing", "A vote for an existing suggestion")],
        required=True,
        default="new",
    )
    suggestion_id = fields.Many2one(
        "crm.suggestion",
        string="Existing Suggestion",
        domain="[('company_id', '=', company_id), ('state', 'not in', ('shipped', 'declined', 'duplicate'))]",
    )
    name = fields.Char(string="Suggestion")
    description = fields.Text()
    product_id = fields.Many2one("product.product", domain="[('company_id', 'in', (False, company_id))]")
    comment = fields.Text(help="What the customer said, kept on their vote (never shown to other customers).")
    complaint_id = fields.Many2one("crm.complaint", string="Case")
    lead_id = fields.Many2one("crm.lead")

    @api.model
    def _crm_action(self, context):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Suggestion"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    @api.onchange("mode", "product_id")
    def _onchange_product_suggestions(self):
        # the open suggestions of the product come first when the customer's idea may exist already
        if self.mode == "existing" and self.product_id and self.suggestion_id.product_id != self.product_id:
            self.suggestion_id = self.env["crm.suggestion"].search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("product_id", "=", self.product_id.id),
                    ("state", "not in", ("shipped", "declined", "duplicate")),
                ],
                limit=1,
            )

    def action_log(self):
        """Create the suggestion (or pick the existing one) and the customer's vote."""
        self.ensure_one()
        # sudo: the id of the customer company only; whether the user may see it is checked below
        customer = self.partner_id.sudo().commercial_partner_id.sudo(False)
        # the customer must be one the user may see (a salesperson's own customers, the pool...)
        try:
            customer.check_access("read")
        except AccessError as error:
            raise UserError(
                self.env._(
                    "You may not log a suggestion for %(customer)s: it is not one of the customers you "
                    "may see.",
                    customer=customer.sudo().display_name,  # the name only, to say which one
                )
            ) from error
        if self.contact_id and self.contact_id.commercial_partner_id != customer:
            raise UserError(
                self.env._(
                    "%(contact)s is not a contact of %(customer)s: choose one of the customer's contacts.",
                    contact=self.contact_id.display_name,
                    customer=customer.display_name,
                )
            )
        if self.company_id not in self.env.user.company_ids:
            raise UserError(
                self.env._(
                    "You do not work for %(company)s: log the suggestion in one of your companies.",
                    company=self.company_id.sudo().name,  # the name only, to say which one
                )
            )
        # the existing suggestion must be one the user may read (its company)
        self.suggestion_id.check_access("read")
        Suggestion = self.env["crm.suggestion"]
        # salespeople read the suggestions only: what they log is created here, for a customer
        # they may see (checked above), with the values of this form
        if not Suggestion.has_access("create"):
            Suggestion = Suggestion.sudo()
        if self.mode == "existing":
            if not self.suggestion_id:
                raise UserError(self.env._("Choose the existing suggestion the customer asks for."))
            suggestion = Suggestion.browse(self.suggestion_id.id)
        else:
            if not (self.name or "").strip():
                raise UserError(self.env._("Say in a few words what the customer suggests."))
            suggestion = Suggestion.create(
                {
                    "name": self.name.strip(),
                    "description": plaintext2html(self.description) if self.description else False,
                    "product_id": self.product_id.id,
                    "company_id": self.company_id.id,
                }
            )
        vote = (
            self.env["crm.suggestion.vote"]
            .sudo(Suggestion.env.su)
            .create(
                {
                    "suggestion_id": suggestion.id,
                    "partner_id": customer.id,
                    "contact_id": self.contact_id.id,
                    "channel": self.channel,
                    "comment": self.comment,
                }
            )
        )
        source = self.complaint_id or self.lead_id
        if source:
            suggestion.message_post(
                body=self.env._(
                    "%(customer)s asked for it (%(origin)s), logged by %(user)s.",
                    customer=customer.display_name,
                    origin=source.display_name,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        if suggestion.state in ("shipped", "declined"):
            suggestion._crm_notify_requesters()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.suggestion",
            "res_id": vote.suggestion_id.id,
            "view_mode": "form",
            "target": "current",
        }
