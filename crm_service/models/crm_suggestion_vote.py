from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.crm_lifecycle.models.crm_internal import is_marked, marked

from .crm_complaint import CHANNELS

# stamped by the notification of the decision, never by hand
VOTE_BOOKKEEPING_FIELDS = ("notified_date",)
VOTE_BOOKKEEPING_WRITE = "crm_service.suggestion_vote_bookkeeping_write"
# followed from a merged duplicate to the suggestion that was kept
MERGE_DEPTH = 10


class CrmSuggestionVote(models.Model):
    """A customer asking for a suggestion: one per suggestion and customer (commercial partner)."""

    _name = "crm.suggestion.vote"
    _description = "Suggestion Requester"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    suggestion_id = fields.Many2one(
        "crm.suggestion", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="suggestion_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="The person who asked: the decision is sent to them (else to the customer).",
    )
    recipient_id = fields.Many2one("res.partner", compute="_compute_recipient_id", string="Told Contact")
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    comment = fields.Text(help="What the customer said; never shown to other customers.")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    notified_date = fields.Datetime(
        string="Told On", readonly=True, copy=False, help="When the decision was sent to the requester."
    )
    told_percent = fields.Float(
        string="Told (%)",
        compute="_compute_told_percent",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="100 once the requester was told of the decision: averaged, the share of requesters told.",
    )
    suggestion_state = fields.Selection(related="suggestion_id.state", store=True, string="Suggestion State")
    product_id = fields.Many2one(related="suggestion_id.product_id", store=True)
    kept_suggestion_id = fields.Many2one(
        "crm.suggestion",
        compute="_compute_kept_suggestion_id",
        string="Decided Suggestion",
        help="The suggestion itself, or the one it was merged into.",
    )

    _sql_constraints = [
        (
            "suggestion_partner_unique",
            "unique(suggestion_id, partner_id)",
            "A customer asks for a suggestion once: add a comment to their existing vote instead.",
        ),
    ]

    @api.depends("contact_id")
    def _compute_partner_id(self):
        for vote in self:
            if vote.contact_id:
                vote.partner_id = vote.contact_id.commercial_partner_id
            elif vote.partner_id:
                vote.partner_id = vote.partner_id.commercial_partner_id

    @api.depends("contact_id", "partner_id")
    def _compute_recipient_id(self):
        for vote in self:
            vote.recipient_id = vote.contact_id if vote.contact_id.email else vote.partner_id

    @api.depends("notified_date")
    def _compute_told_percent(self):
        for vote in self:
            vote.told_percent = 100.0 if vote.notified_date else 0.0

    @api.depends("suggestion_id.merged_into_id")
    def _compute_kept_suggestion_id(self):
        for vote in self:
            kept = vote.suggestion_id
            for _depth in range(MERGE_DEPTH):
                if not kept.merged_into_id:
                    break
                kept = kept.merged_into_id
            vote.kept_suggestion_id = kept

    @api.constrains("partner_id", "contact_id")
    def _check_partner(self):
        for vote in self:
            if vote.partner_id != vote.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "The requester of %(suggestion)s must be the customer company, not the contact "
                        "%(contact)s: set the contact in the Contact field.",
                        suggestion=vote.suggestion_id.display_name,
                        contact=vote.partner_id.display_name,
                    )
                )
            if vote.contact_id and vote.contact_id.commercial_partner_id != vote.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(customer)s: choose one of the customer's "
                        "contacts.",
                        contact=vote.contact_id.display_name,
                        customer=vote.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._crm_check_bookkeeping(vals)
        self._crm_check_unique(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._crm_check_bookkeeping(vals)
        return super().write(vals)

    @api.model
    def _crm_check_unique(self, vals_list):
        """A clear message before the database's unique constraint: who already asked, when."""
        partners = self.env["res.partner"].browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
            | {vals["contact_id"] for vals in vals_list if vals.get("contact_id")}
        )
        suggestion_ids = {vals.get("suggestion_id") for vals in vals_list if vals.get("suggestion_id")}
        if not suggestion_ids or not partners:
            return
        # sudo: only whether a vote exists and its date are read, to refuse a second one
        existing = {
            (vote.suggestion_id.id, vote.partner_id.id): vote
            for vote in self.sudo().search(
                [
                    ("suggestion_id", "in", list(suggestion_ids)),
                    ("partner_id", "in", partners.commercial_partner_id.ids),
                ]
            )
        }
        seen = set()
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("contact_id") or vals.get("partner_id"))
            key = (vals.get("suggestion_id"), partner.commercial_partner_id.id)
            vote = existing.get(key)
            if vote or key in seen:
                suggestion = self.env["crm.suggestion"].sudo().browse(key[0])
                raise ValidationError(
                    self.env._(
                        "%(customer)s already asked for the suggestion %(suggestion)s%(since)s: a "
                        "customer asks for a suggestion once. Add the new remark to the comment of their "
                        "vote instead.",
                        customer=partner.commercial_partner_id.display_name,
                        suggestion=suggestion.display_name,
                        since=self.env._(" on %(date)s", date=fields.Date.to_string(vote.date.date()))
                        if vote
                        else "",
                    )
                )
            seen.add(key)

    def _crm_check_bookkeeping(self, vals):
        if self.env.su or is_marked(self, VOTE_BOOKKEEPING_WRITE):
            return
        written = [name for name in VOTE_BOOKKEEPING_FIELDS if name in vals]
        if written:
            raise AccessError(
                self.env._(
                    "%(fields)s of a requester is set when the decision is sent to them; it cannot be "
                    "written by hand.",
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in written),
                )
            )

    def _crm_write_notified(self, when):
        if self:
            with marked(self, VOTE_BOOKKEEPING_WRITE):
                self.write({"notified_date": when})
