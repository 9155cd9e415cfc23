from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every

from odoo.addons.crm_lifecycle.models.crm_internal import is_marked, marked

SUGGESTION_STATES = [
    ("new", "New"),
    ("review", "In Review"),
    ("planned", "Planned"),
    ("in_progress", "In Progress"),
    ("shipped", "Shipped"),
    ("declined", "Declined"),
    ("duplicate", "Duplicate"),
]
# the states that close a suggestion with a decision the requesters are told about
DECISION_STATES = ("shipped", "declined")
CLOSED_STATES = ("shipped", "declined", "duplicate")
# written by the actions only: the merge (merged_into_id), shipping (shipped_date)
SUGGESTION_BOOKKEEPING_FIELDS = ("merged_into_id", "shipped_date")
SUGGESTION_BOOKKEEPING_WRITE = "crm_service.suggestion_bookkeeping_write"
# requesters told per rendering batch
NOTIFY_BATCH = 500
# how deep the chains of merged duplicates are followed (a duplicate merged into a duplicate...)
MERGE_DEPTH = 10


class CrmSuggestion(models.Model):
    """An improvement customers ask for: its requesters (votes), its decision, their notification."""

    _name = "crm.suggestion"
    _description = "Customer Suggestion"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "weighted_value desc, vote_count desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Suggestion", required=True, tracking=True, index="trigram")
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one("product.product", tracking=True, check_company=True, index=True)
    product_categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        compute="_compute_product_categ_id",
        store=True,
        readonly=False,
        index=True,
    )
    state = fields.Selection(
        SUGGESTION_STATES,
        required=True,
        default="new",
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_expand_states",
    )
    decision_note = fields.Html(
        help="The decision, in words for the customers: shown in the portal and sent to every requester "
        "when the suggestion ships or is declined."
    )
    release_ref = fields.Char(string="Release", tracking=True, help="The release or version that ships it.")
    shipped_date = fields.Date(readonly=True, tracking=True, copy=False, help="Set when it ships.")
    merged_into_id = fields.Many2one(
        "crm.suggestion",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
    )
    duplicate_ids = fields.One2many("crm.suggestion", "merged_into_id", string="Merged Duplicates")
    vote_ids = fields.One2many("crm.suggestion.vote", "suggestion_id", string="Votes")
    vote_count = fields.Integer(string="Requesters", compute="_compute_vote_stats", store=True)
    told_count = fields.Integer(string="Requesters Told", compute="_compute_vote_stats", store=True)
    told_percent = fields.Float(
        string="Requesters Told (%)",
        compute="_compute_vote_stats",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )
    weighted_value = fields.Monetary(
        compute="_compute_weighted_value",
        store=True,
        help="The revenue of the value period (Customer Value) of the customers who asked for it.",
    )
    portal_published = fields.Boolean(
        string="Published in the Portal",
        tracking=True,
        help="Every customer sees it in their portal and may vote for it; never who asked for it. "
        "Unpublished, only the customers who asked for it see it.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        default=lambda self: self.env.user if not self.env.user.share else False,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    color = fields.Integer()

    # ------------------------------------------------------------------ computes

    @api.depends("product_id")
    def _compute_product_categ_id(self):
        for suggestion in self.filtered("product_id"):
            suggestion.product_categ_id = suggestion.product_id.categ_id

    @api.depends("vote_ids", "vote_ids.notified_date")
    def _compute_vote_stats(self):
        stored_ids = [suggestion_id for suggestion_id in self.ids if isinstance(suggestion_id, int)]
        totals = defaultdict(lambda: [0, 0])
        if stored_ids:
            for suggestion, told, count in self.env["crm.suggestion.vote"]._read_group(
                [("suggestion_id", "in", stored_ids)], ["suggestion_id", "notified_date:day"], ["__count"]
            ):
                totals[suggestion.id][0] += count
                if told:
                    totals[suggestion.id][1] += count
        for suggestion in self:
            if isinstance(suggestion.id, int):
                votes, told = totals.get(suggestion.id, (0, 0))
            else:
                votes, told = len(suggestion.vote_ids), len(suggestion.vote_ids.filtered("notified_date"))
            suggestion.vote_count = votes
            suggestion.told_count = told
            suggestion.told_percent = 100.0 * told / votes if votes else 0.0

    @api.depends("vote_ids.partner_id", "company_id")
    def _compute_weighted_value(self):
        """One query for all the suggestions: the period revenue of each requesting customer in
        the suggestion's company (crm_value's scores), summed."""
        values = self._crm_weighted_values()
        for suggestion in self:
            suggestion.weighted_value = values.get(suggestion.id, 0.0)

    def _crm_weighted_values(self):
        ids = [suggestion_id for suggestion_id in self.ids if isinstance(suggestion_id, int)]
        if not ids:
            return {}
        self.env["crm.suggestion.vote"].flush_model(["suggestion_id", "partner_id"])
        self.env["crm.value.score"].flush_model(["partner_id", "company_id", "revenue_period"])
        self.flush_model(["company_id"])
        self.env.cr.execute(self._crm_weighted_value_query(SQL("s.id = ANY(%s)", ids)))
        return dict(self.env.cr.fetchall())

    @api.model
    def _crm_weighted_value_query(self, where):
        return SQL(
            """
            SELECT s.id, COALESCE(SUM(score.revenue_period), 0)
              FROM crm_suggestion s
              JOIN crm_suggestion_vote v ON v.suggestion_id = s.id
              JOIN crm_value_score score
                ON score.partner_id = v.partner_id AND score.company_id = s.company_id
             WHERE %s
          GROUP BY s.id
            """,
            where,
        )

    @api.model
    def _crm_refresh_weighted_values(self, company):
        """After the value scores of ``company`` were recomputed: the weighted value of every
        suggestion of the company, in one UPDATE."""
        self.flush_model()
        self.env["crm.suggestion.vote"].flush_model()
        self.env["crm.value.score"].flush_model(["partner_id", "company_id", "revenue_period"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_suggestion s
                   SET weighted_value = COALESCE(sums.value, 0)
                  FROM crm_suggestion target
             LEFT JOIN (%(sums)s) sums (suggestion_id, value) ON sums.suggestion_id = target.id
                 WHERE target.id = s.id AND target.company_id = %(company)s
                   AND s.weighted_value IS DISTINCT FROM COALESCE(sums.value, 0)
                """,
                sums=self._crm_weighted_value_query(SQL("s.company_id = %s", company.id)),
                company=company.id,
            )
        )
        self.invalidate_model(["weighted_value"])

    @api.model
    def _read_group_expand_states(self, states, domain):
        # every state as a column of the pipeline; duplicates only when some are shown
        return [key for key, _label in SUGGESTION_STATES if key != "duplicate" or key in states]

    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for suggestion in self:
            suggestion.access_url = f"/my/suggestions/{suggestion.id}"

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._crm_check_bookkeeping(vals)
        suggestions = super().create(vals_list)
        suggestions._crm_stamp_shipped()
        suggestions.filtered(lambda suggestion: suggestion.state in DECISION_STATES)._crm_notify_requesters()
        return suggestions

    def write(self, vals):
        self._crm_check_bookkeeping(vals)
        previous = {suggestion.id: suggestion.state for suggestion in self} if "state" in vals else None
        result = super().write(vals)
        if previous is not None:
            self._crm_stamp_shipped()
            decided = self.filtered(
                lambda suggestion: (
                    suggestion.state in DECISION_STATES and previous[suggestion.id] != suggestion.state
                )
            )
            decided._crm_notify_requesters()
        return result

    def _crm_stamp_shipped(self):
        """The shipped suggestions without a shipped date get today's (a reopened suggestion
        shipped again keeps its first date)."""
        unstamped = self.filtered(
            lambda suggestion: suggestion.state == "shipped" and not suggestion.shipped_date
        )
        unstamped._crm_write_bookkeeping({"shipped_date": fields.Date.context_today(self)})

    # ------------------------------------------------------------------ actions

    def action_review(self):
        return self._crm_set_state("review")

    def action_plan(self):
        return self._crm_set_state("planned")

    def action_start(self):
        return self._crm_set_state("in_progress")

    def action_ship(self):
        return self._crm_set_state("shipped")

    def action_decline(self):
        return self._crm_set_state("declined")

    def action_reset(self):
        return self._crm_set_state("new")

    def action_merge(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Suggestions"),
            "res_model": "crm.suggestion.merge",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_notify_requesters(self):
        """Tell the requesters not told yet of a shipped or declined suggestion (a requester
        added after the decision, a merge into a decided suggestion)."""
        self._crm_notify_requesters()
        return True

    def action_view_votes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_service.crm_suggestion_vote_action")
        action["domain"] = [("suggestion_id", "=", self.id)]
        action["context"] = {"default_suggestion_id": self.id}
        return action

    def action_view_merged_into(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.merged_into_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ helpers

    def _crm_set_state(self, state):
        self.write({"state": state})
        return True

    def _crm_check_bookkeeping(self, vals):
        if self.env.su or is_marked(self, SUGGESTION_BOOKKEEPING_WRITE):
            return
        if vals.get("portal_published") and not self.env.user.has_group(
            "crm_service.group_crm_service_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only Customer Service managers publish suggestions to every customer's portal: ask a "
                    "manager to publish it."
                )
            )
        written = [name for name in SUGGESTION_BOOKKEEPING_FIELDS if name in vals]
        if written:
            raise AccessError(
                self.env._(
                    "%(fields)s of a suggestion is set by its actions (Merge, Ship); it cannot be written "
                    "by hand.",
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in written),
                )
            )

    def _crm_write_bookkeeping(self, vals):
        if self:
            with marked(self, SUGGESTION_BOOKKEEPING_WRITE):
                self.write(vals)

    def _crm_with_duplicates(self):
        """The suggestions and every duplicate merged into them (chains followed)."""
        found = self
        level = self
        for _depth in range(MERGE_DEPTH):
            level = self.with_context(active_test=False).search(
                [("merged_into_id", "in", level.ids), ("id", "not in", found.ids)]
            )
            if not level:
                break
            found |= level
        return found

    def _crm_notify_requesters(self):
        """Every requester of the decided suggestions (shipped or declined), merged duplicates'
        included, not told yet, gets a personal e-mail in their language through the mail queue
        (not sent now) and their vote's ``notified_date`` is set. One e-mail per customer and
        suggestion; a requester without an e-mail address is left untold (the report shows it)."""
        Vote = self.env["crm.suggestion.vote"]
        decided = self.filtered(lambda suggestion: suggestion.state in DECISION_STATES)
        told = Vote
        for suggestion in decided:
            template = self.env.ref(
                f"crm_service.mail_template_crm_suggestion_{suggestion.state}", raise_if_not_found=False
            )
            votes = Vote.search(
                [
                    ("suggestion_id", "in", suggestion._crm_with_duplicates().ids),
                    ("notified_date", "=", False),
                ],
                order="date, id",
            )
            # one e-mail per customer: their first vote tells them, their other votes count as told
            first = {}
            for vote in votes:
                first.setdefault(vote.partner_id.id, vote)
            reachable = {partner_id: vote for partner_id, vote in first.items() if vote.recipient_id.email}
            if not template or not reachable:
                continue
            # rendered in batches (per language by the template), queued, not sent now
            for vote_ids in split_every(NOTIFY_BATCH, [vote.id for vote in reachable.values()]):
                # sudo: the company's own e-mail to its customers, from a fixed template; the user
                # who decided may not read every requester's contact card
                template.sudo().send_mail_batch(
                    list(vote_ids), force_send=False, email_layout_xmlid="mail.mail_notification_light"
                )
            done = votes.filtered(lambda vote, reachable=reachable: vote.partner_id.id in reachable)
            done._crm_write_notified(fields.Datetime.now())
            told |= done
            untold = votes - done
            body = self.env._(
                "Decision sent to %(count)s requester(s): %(customers)s.",
                count=len(reachable),
                customers=", ".join(Vote.union(*reachable.values()).partner_id.mapped("display_name")),
            )
            if untold:
                body += " " + self.env._(
                    "Not told (no e-mail address): %(customers)s.",
                    customers=", ".join(untold.partner_id.mapped("display_name")),
                )
            suggestion.message_post(body=body, subtype_xmlid="mail.mt_note")
        return told

    def _crm_merge(self, sources):
        """Merge ``sources`` into this suggestion (the one kept).

        Votes: one per customer; when a customer asked for both, their oldest vote is kept (its
        date, contact and channel), the comments of both are kept on it, and a requester already
        told stays told. Messages, attachments, activities and followers move here. The sources
        become ``duplicate`` with ``merged_into_id`` set; their duplicates follow them here."""
        self.ensure_one()
        if not self.env.user.has_group("crm_service.group_crm_service_manager") and not self.env.su:
            raise AccessError(self.env._("Only Customer Service managers may merge suggestions."))
        if not sources:
            raise UserError(
                self.env._(
                    "Choose at least one other suggestion to merge into %(suggestion)s: a suggestion "
                    "cannot be merged into itself.",
                    suggestion=self.display_name,
                )
            )
        if self in sources:
            raise UserError(
                self.env._(
                    "The suggestion %(suggestion)s cannot be merged into itself.",
                    suggestion=self.display_name,
                )
            )
        if self.state == "duplicate":
            raise UserError(
                self.env._(
                    "%(suggestion)s is itself a duplicate: keep the suggestion it was merged into instead.",
                    suggestion=self.display_name,
                )
            )
        foreign = sources.filtered(lambda source: source.company_id != self.company_id)
        if foreign:
            raise UserError(
                self.env._(
                    "%(suggestions)s belong to another company than %(suggestion)s (%(company)s): only "
                    "suggestions of the same company are merged.",
                    suggestions=", ".join(foreign.mapped("display_name")),
                    suggestion=self.display_name,
                    company=self.company_id.name,
                )
            )
        Vote = self.env["crm.suggestion.vote"]
        kept_votes = {vote.partner_id.id: vote for vote in self.vote_ids}
        for vote in sources.vote_ids.sorted(lambda vote: (vote.date, vote.id)):
            kept = kept_votes.get(vote.partner_id.id)
            if not kept:
                vote.suggestion_id = self
                kept_votes[vote.partner_id.id] = vote
                continue
            older, newer = (vote, kept) if (vote.date, vote.id) < (kept.date, kept.id) else (kept, vote)
            comments = [comment for comment in (older.comment, newer.comment) if comment]
            told = older.notified_date or newer.notified_date
            newer.unlink()
            values = {"suggestion_id": self.id, "comment": "\n\n".join(dict.fromkeys(comments)) or False}
            older.write(values)
            if told and not older.notified_date:
                older._crm_write_notified(told)
            kept_votes[older.partner_id.id] = older
        self._crm_merge_history(sources)
        # the duplicates of the sources now point here
        sources.duplicate_ids._crm_write_bookkeeping({"merged_into_id": self.id})
        sources._crm_write_bookkeeping({"merged_into_id": self.id})
        sources.write({"state": "duplicate"})
        names = ", ".join(sources.mapped("display_name"))
        self.message_post(
            body=self.env._(
                "%(user)s merged %(suggestions)s into this suggestion.",
                user=self.env.user.name,
                suggestions=names,
            ),
            subtype_xmlid="mail.mt_note",
        )
        for source in sources:
            source.message_post(
                body=self.env._("Merged into %(suggestion)s.", suggestion=self.display_name),
                subtype_xmlid="mail.mt_note",
            )
        # votes that came into a suggestion already decided: their customers are told now
        if self.state in DECISION_STATES:
            self._crm_notify_requesters()
        return Vote

    def _crm_merge_history(self, sources):
        """Messages, attachments, activities and followers of ``sources`` move here."""
        # sudo: every message and attachment of the merged suggestions moves, whoever wrote it;
        # the manager may write both suggestions (checked by the callers' writes)
        self.check_access("write")
        sources.check_access("write")
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", self._name), ("res_id", "in", sources.ids)])
        )
        for source in sources:
            for message in messages.filtered(lambda message, source=source: message.res_id == source.id):
                message.write(
                    {
                        "res_id": self.id,
                        "subject": self.env._(
                            "From %(suggestion)s: %(subject)s",
                            suggestion=source.name,
                            subject=message.subject,
                        )
                        if message.subject
                        else self.env._("From %(suggestion)s", suggestion=source.name),
                    }
                )
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", sources.ids)]
        ).write({"res_id": self.id})
        sources.activity_ids.sudo().write({"res_id": self.id})
        followers = sources.message_follower_ids
        for follower in followers:
            if follower.partner_id and follower.partner_id not in self.message_partner_ids:
                self.message_subscribe(
                    partner_ids=follower.partner_id.ids, subtype_ids=follower.subtype_ids.ids
                )
