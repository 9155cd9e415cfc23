from datetime import datetime, time, timedelta

import psycopg2.errors
import pytz

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .crm_internal import ACTIVITIES_DONE, OWNER_WRITE, is_marked, marked, marked_ids
from .crm_pool import RELEASE_RULES

POOL_STATES = [("owned", "Owned"), ("pool", "In Pool")]


# one concern per file, by design (issue 11): see res_partner.py's docstring
class ResPartner(models.Model):
    """Ownership of customers by salespeople, and the public pool: claim, release, assign, lock."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    owner_since = fields.Datetime(
        copy=False,
        readonly=True,
        help="When the current salesperson became the owner of this customer.",
    )
    crm_pool_state = fields.Selection(
        POOL_STATES,
        string="Ownership",
        index=True,
        copy=False,
        readonly=True,
        help="Owned: a salesperson follows the customer. In Pool: colleagues may claim it.",
    )
    crm_pool_id = fields.Many2one(
        "crm.pool",
        string="Pool",
        index=True,
        copy=False,
        tracking=True,
        help="The pool the customer returns to when its owner lets it go, and whose rules apply.",
    )
    crm_locked = fields.Boolean(
        string="Locked",
        copy=False,
        readonly=True,
        tracking=True,
        help="The owner locked the customer: it never returns to the pool by timeout.",
    )
    ownership_deadline = fields.Datetime(
        string="Returns to Pool On",
        copy=False,
        readonly=True,
        index=True,
        help="When the customer returns to the pool unless its owner acts. Empty: never.",
    )
    crm_release_rule = fields.Selection(
        RELEASE_RULES,
        string="Release Rule",
        copy=False,
        readonly=True,
        help="The rule that sets the deadline.",
    )
    crm_release_days = fields.Integer(
        string="Rule Days", copy=False, readonly=True, help="The day limit of the release rule."
    )
    previous_owner_id = fields.Many2one("res.users", copy=False, readonly=True)
    crm_released_date = fields.Datetime(string="Released On", copy=False, readonly=True)
    crm_released_by_id = fields.Many2one(
        "res.users", string="Released By", copy=False, readonly=True, help="Empty: released by a rule."
    )
    crm_release_reason = fields.Text(string="Release Reason", copy=False, readonly=True)
    crm_warned_date = fields.Datetime(
        string="Warned On", copy=False, readonly=True, help="When the owner was warned of the deadline."
    )
    crm_pool_days = fields.Integer(
        string="Days in Pool", compute="_compute_crm_pool_days", help="Days since the customer was released."
    )
    crm_is_owner = fields.Boolean(string="Is Owner", compute="_compute_crm_ownership_buttons")
    crm_can_claim = fields.Boolean(string="Can Claim", compute="_compute_crm_ownership_buttons")

    @api.depends("crm_released_date", "crm_pool_state")
    def _compute_crm_pool_days(self):
        now = fields.Datetime.now()
        for partner in self:
            in_pool = partner.crm_pool_state == "pool" and partner.crm_released_date
            partner.crm_pool_days = (now - partner.crm_released_date).days if in_pool else 0

    @api.depends("user_id", "crm_pool_state", "lifecycle_stage_id", "parent_id")
    @api.depends_context("uid")
    def _compute_crm_ownership_buttons(self):
        for partner in self:
            managed = bool(partner.lifecycle_stage_id) and not partner.parent_id
            partner.crm_is_owner = managed and partner.user_id == self.env.user
            partner.crm_can_claim = managed and partner.crm_pool_state == "pool"

    # ------------------------------------------------------------------
    # Create and write (called by res_partner.py's create() and write())
    # ------------------------------------------------------------------
    @api.model
    def _crm_ownership_prepare_create(self, vals_list):
        """Ownership of the new followed customers, set before they exist: their creator sees
        them through their pool or owner."""
        # the pool of each (team, salesperson, company): one lookup per combination, not per record
        pools = {}
        for vals in vals_list:
            if vals.get("user_id"):
                vals.setdefault("owner_since", fields.Datetime.now())
            if vals.get("lifecycle_stage_id") and not vals.get("parent_id"):
                vals.setdefault("crm_pool_state", "owned" if vals.get("user_id") else "pool")
                if not vals.get("crm_pool_id"):
                    pool_key = (vals.get("crm_team_id"), vals.get("user_id"), vals.get("company_id"))
                    if pool_key not in pools:
                        pools[pool_key] = self._crm_pool_for_vals(vals).id
                    vals["crm_pool_id"] = pools[pool_key]

    def _crm_check_created_owners(self):
        """New followed customers follow the ownership rules of a claim: a salesperson creates
        customers for themselves only, within the pools' ``max_owned``; a manager may assign."""
        if self.env.su or self._crm_is_manager():
            return
        # sudo: the new customers' bookkeeping (owner, pool), read whatever their pool
        owned = self.sudo().filtered(
            lambda partner: partner.lifecycle_stage_id and not partner.parent_id and partner.user_id
        )
        others = owned.filtered(lambda partner: partner.user_id != self.env.user)
        if others:
            raise AccessError(
                self.env._(
                    "Only a sales manager may create customers for another salesperson (%(partners)s). "
                    "Create them for yourself, or leave the salesperson empty to put them in the pool.",
                    partners=", ".join(others.mapped("display_name")),
                )
            )
        refusals = owned._crm_limit_messages(self.env.user)
        if refusals:
            raise UserError("\n".join(refusals))

    def _crm_check_pool_move(self, vals):
        """Only a sales manager moves customers to another pool."""
        if "crm_pool_id" not in vals or self.env.su or self._crm_is_manager():
            return
        moved = self.filtered(lambda partner: partner.crm_pool_id.id != vals["crm_pool_id"])
        if moved:
            raise AccessError(
                self.env._(
                    "Only a sales manager may move %(partners)s to another pool.",
                    partners=", ".join(moved.mapped("display_name")),
                )
            )

    @api.model
    def _crm_owner_since_vals(self, vals):
        """A salesperson set by hand on a partner outside the CRM flow starts its ownership now."""
        if "user_id" in vals and "owner_since" not in vals:
            return dict(vals, owner_since=fields.Datetime.now() if vals["user_id"] else False)
        return vals

    def _crm_owner_changes(self, vals):
        """The followed customers of ``self`` whose salesperson ``vals`` changes by hand."""
        # the actions write the owner once their rules are checked
        if "user_id" not in vals or is_marked(self, OWNER_WRITE):
            return self.browse()
        return self.filtered(
            lambda partner: (
                partner.lifecycle_stage_id
                and partner.commercial_partner_id == partner
                and partner.user_id.id != vals["user_id"]
            )
        )

    def _crm_write_owner_change(self, changing, vals):
        """The salesperson of a followed customer changes through the ownership rules."""
        rest = {key: value for key, value in vals.items() if key != "user_id"}
        user = self.env["res.users"].browse(vals["user_id"])
        result = True
        if self - changing:
            result = (self - changing).write(vals)
        # a pool customer is read only until claimed: a claim (or an assignment) comes before the
        # rest of the edit, a release after it, while the owner may still edit the customer
        if user:
            changing._crm_change_owner_by_hand(user)
        if rest:
            result = changing.write(rest)
        if not user:
            changing._crm_change_owner_by_hand(user)
        return result

    # ------------------------------------------------------------------
    # Ownership: actions
    # ------------------------------------------------------------------
    def action_crm_claim(self):
        """The current user takes these customers from the pool."""
        partners = self._crm_ownership_managed()
        partners._crm_claim(self.env.user)
        return self._crm_notification(
            self.env._("%(count)s customer(s) are yours now.", count=len(partners)), "success"
        )

    def action_crm_release(self, reason=None):
        """The owner (or a manager) gives customers back to their pool, with a reason.

        Without ``reason``, open the dialog that asks for one.
        """
        partners = self._crm_ownership_managed()
        if not reason:
            return partners._crm_open_dialog("crm.pool.release", self.env._("Release to Pool"))
        others = partners._crm_not_owner_nor_manager()
        if others:
            raise AccessError(
                self.env._(
                    "Only the owner or a sales manager may release %(partners)s.",
                    partners=", ".join(others.mapped("display_name")),
                )
            )
        partners.filtered(lambda partner: partner.crm_pool_state == "owned")._crm_release(reason, "manual")
        return True

    def action_crm_assign(self, user=None):
        """A manager gives customers to ``user``, over the limits if needed (with a warning).

        Without ``user``, open the dialog that asks for one.
        """
        partners = self._crm_ownership_managed()
        if not user:
            return partners._crm_open_dialog("crm.pool.assign", self.env._("Assign Customers"))
        if isinstance(user, int):
            user = self.env["res.users"].browse(user)
        if not self._crm_is_manager():
            raise AccessError(self.env._("Only a sales manager may assign customers to a salesperson."))
        warnings = partners._crm_assign(user, self.env.context.get("crm_assign_reason"), "manual")
        if warnings:
            return self._crm_notification("\n".join(warnings), "warning", sticky=True)
        return self._crm_notification(
            self.env._("%(count)s customer(s) assigned to %(user)s.", count=len(partners), user=user.name),
            "success",
        )

    def _crm_open_dialog(self, model, name, context=None):
        """The dialog ``model`` that asks what an action on ``self`` needs (a reason, a user, a note)."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": context or {"default_partner_ids": self.ids},
        }

    def action_crm_lock(self):
        """The owner locks customers against release by timeout, within the pool's limit."""
        partners = self._crm_ownership_managed()
        partners._crm_check_owner_or_manager()
        for user, owned in partners.grouped("user_id").items():
            refusals = owned._crm_lock_check(user)
            if refusals:
                raise UserError("\n".join(refusals))
        # sudo: the lock is bookkeeping; the owner or a manager asked, within the pool's limit
        partners.sudo().write({"crm_locked": True})
        return True

    def action_crm_unlock(self):
        partners = self._crm_ownership_managed()
        partners._crm_check_owner_or_manager()
        # sudo: the owner may always unlock their customer; checked above
        partners.sudo().write({"crm_locked": False})
        return True

    def action_crm_log_call(self):
        """One click from the form: note what was said; the note counts as a contact."""
        self.ensure_one()
        return self._crm_open_dialog(
            "crm.contact.log", self.env._("Log a Call"), {"default_partner_id": self.commercial_partner_id.id}
        )

    # ------------------------------------------------------------------
    # Ownership: rules
    # ------------------------------------------------------------------
    def _crm_ownership_managed(self):
        """The followed commercial entities of ``self`` (ownership applies to them only)."""
        return self.commercial_partner_id.filtered(lambda partner: partner.lifecycle_stage_id)

    def _crm_is_manager(self):
        return self.env.su or self.env.user.has_group("crm_lifecycle.group_crm_lifecycle_manager")

    def _crm_not_owner_nor_manager(self):
        """The customers of ``self`` the current user neither owns nor manages."""
        if self._crm_is_manager():
            return self.browse()
        return self.filtered(lambda partner: partner.user_id != self.env.user)

    def _crm_check_owner_or_manager(self):
        others = self._crm_not_owner_nor_manager()
        if others:
            raise AccessError(
                self.env._(
                    "Only the owner or a sales manager may do this on %(partners)s.",
                    partners=", ".join(others.mapped("display_name")),
                )
            )

    @api.model
    def _crm_notification(self, message, kind, sticky=False):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": kind,
                "sticky": sticky,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _crm_user_day_start(self, user):
        """Midnight of today in ``user``'s time zone, as a naive UTC datetime."""
        tz = pytz.timezone(user.tz or "UTC")
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        start = tz.localize(datetime.combine(now.date(), time.min))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _crm_claim_check(self, user):
        """What refuses ``user`` to take the customers of ``self``: a list of messages.

        Each message names the customer or the pool, the rule, and when it will allow it.
        An assignment by a manager shows the limits it overrides with the same messages.
        """
        # sudo: the counts and owners are the pool's bookkeeping, told by name only
        partners = self.sudo()
        messages = []
        now = fields.Datetime.now()
        takers = partners.browse()
        for partner in partners:
            pool = partner.crm_pool_id
            if not partner.lifecycle_stage_id or partner.parent_id:
                messages.append(
                    self.env._("%(partner)s is not a followed customer.", partner=partner.display_name)
                )
            elif partner.user_id == user:
                continue
            elif partner.crm_pool_state == "owned" and partner.user_id:
                messages.append(
                    self.env._(
                        "%(partner)s already belongs to %(owner)s (since %(since)s).",
                        partner=partner.display_name,
                        owner=partner.user_id.name,
                        since=self._crm_format_date(partner.owner_since),
                    )
                )
            elif pool and not pool._is_visible_to(user):
                messages.append(
                    self.env._(
                        "%(partner)s is in the pool %(pool)s, which is open to the teams %(teams)s only.",
                        partner=partner.display_name,
                        pool=pool.name,
                        teams=", ".join(pool.team_ids.mapped("name")),
                    )
                )
            elif (
                pool.reclaim_cooldown_days
                and partner.previous_owner_id == user
                and partner.crm_released_date
                and partner.crm_released_date + timedelta(days=pool.reclaim_cooldown_days) > now
            ):
                messages.append(
                    self.env._(
                        "%(user)s released %(partner)s on %(released)s; the pool %(pool)s lets the previous "
                        "owner claim it again from %(allowed)s (reclaim cooldown of %(days)s days).",
                        user=user.name,
                        partner=partner.display_name,
                        released=self._crm_format_date(partner.crm_released_date),
                        pool=pool.name,
                        allowed=self._crm_format_date(
                            partner.crm_released_date + timedelta(days=pool.reclaim_cooldown_days)
                        ),
                        days=pool.reclaim_cooldown_days,
                    )
                )
            else:
                takers |= partner
        messages.extend(takers._crm_limit_messages(user, claims=True))
        return messages

    def _crm_limit_messages(self, user, claims=False):
        """The pool limits ``user`` would exceed by taking ``self``: owned customers, and with
        ``claims`` the claims per day (an assignment by a manager is no claim)."""
        # sudo: the limits of the customers' pools, read to be told by name; the pool of a
        # customer may belong to a company the user does not work in right now (a sales manager
        # of a branch company quoting a customer of the parent company's pool)
        partners = self.sudo()
        pools = partners.crm_pool_id
        if not pools:
            return []
        Partner = self.env["res.partner"].sudo()
        owned = dict(
            Partner._read_group(
                [
                    ("user_id", "=", user.id),
                    ("crm_pool_state", "=", "owned"),
                    ("crm_pool_id", "in", pools.ids),
                    # the customers being taken (or just created) are counted apart
                    ("id", "not in", self.ids),
                    ("lifecycle_stage_id", "!=", False),
                    ("parent_id", "=", False),
                ],
                ["crm_pool_id"],
                ["__count"],
            )
        )
        claimed = dict(
            self.env["crm.partner.event"]
            .sudo()
            ._read_group(
                [
                    ("event_type", "=", "claim"),
                    ("to_user_id", "=", user.id),
                    ("pool_id", "in", pools.ids),
                    ("date", ">=", self._crm_user_day_start(user)),
                ],
                ["pool_id"],
                ["__count"],
            )
        )
        messages = []
        for pool, taken in partners.grouped("crm_pool_id").items():
            if pool.max_owned and owned.get(pool, 0) + len(taken) > pool.max_owned:
                messages.append(
                    self.env._(
                        "%(user)s owns %(owned)s customers of the pool %(pool)s, whose limit is %(max)s: "
                        "release customers before taking %(count)s more.",
                        user=user.name,
                        owned=owned.get(pool, 0),
                        pool=pool.name,
                        max=pool.max_owned,
                        count=len(taken),
                    )
                )
            if (
                claims
                and pool.max_claims_per_day
                and claimed.get(pool, 0) + len(taken) > pool.max_claims_per_day
            ):
                messages.append(
                    self.env._(
                        "%(user)s claimed %(claimed)s customers of the pool %(pool)s today, which allows "
                        "%(max)s a day: claim again tomorrow.",
                        user=user.name,
                        claimed=claimed.get(pool, 0),
                        pool=pool.name,
                        max=pool.max_claims_per_day,
                    )
                )
        return messages

    def _crm_lock_check(self, user):
        """Refusals of locking ``self`` for their owner ``user``: the pool's ``max_locked``."""
        # sudo: the pools' limits, told by name; a pool may belong to a company the user does not
        # work in right now (the parent company's pool, seen from a branch)
        to_lock = self.sudo().filtered(lambda partner: not partner.crm_locked)
        locked = dict(
            self.env["res.partner"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "=", user.id),
                    ("crm_locked", "=", True),
                    ("crm_pool_id", "in", to_lock.crm_pool_id.ids),
                    ("parent_id", "=", False),
                ],
                ["crm_pool_id"],
                ["__count"],
            )
        )
        messages = []
        for pool, partners in to_lock.grouped("crm_pool_id").items():
            if locked.get(pool, 0) + len(partners) > pool.max_locked:
                messages.append(
                    self.env._(
                        "%(user)s locked %(locked)s customers of the pool %(pool)s, which allows %(max)s: "
                        "unlock one first.",
                        user=user.name,
                        locked=locked.get(pool, 0),
                        pool=pool.name,
                        max=pool.max_locked,
                    )
                )
        return messages

    @api.model
    def _crm_format_date(self, value):
        return tools.format_date(self.env, value) if value else ""

    # ------------------------------------------------------------------
    # Ownership: changes
    # ------------------------------------------------------------------
    def _crm_claim(self, user, trigger="manual", document=None):
        """Give the pool customers of ``self`` to ``user`` under the pool rules.

        Safe under concurrency: the rows are locked first; when another transaction claimed
        them since this one began, the claim is refused naming who won.
        """
        partners = self._crm_ownership_managed().filtered(lambda partner: partner.user_id != user)
        if not partners:
            return partners
        partners._crm_lock_rows()
        refusals = partners._crm_claim_check(user)
        if refusals:
            raise UserError("\n".join(refusals))
        partners._crm_set_owner(user, "claim", trigger, document=document)
        return partners

    def _crm_assign(self, user, reason=None, trigger="manual"):
        """Give ``self`` to ``user`` whatever the limits; return the limits overridden."""
        partners = self._crm_ownership_managed().filtered(lambda partner: partner.user_id != user)
        if not partners:
            return []
        partners._crm_lock_rows()
        # a transfer from a colleague counts against the new owner's limits as a pool customer does
        warnings = partners._crm_limit_messages(user)
        if warnings:
            reason = "\n".join(filter(None, [reason, self.env._("Over the pool limits:")] + warnings))
        for owner, owned in partners.grouped("user_id").items():
            owned._crm_set_owner(user, "transfer" if owner else "assign", trigger, reason)
        return warnings

    def _crm_release(self, reason, trigger="manual", document=None):
        """Return ``self`` (owned) to their pools; the previous owner waits the cooldown."""
        partners = self._crm_ownership_managed()
        if not partners:
            return partners
        partners._crm_lock_rows()
        now = fields.Datetime.now()
        events = [
            dict(
                self._crm_event_base_vals(partner, "release", trigger, reason, document),
                from_user_id=partner.user_id.id,
            )
            for partner in partners
        ]
        for owner, owned in partners.grouped("user_id").items():
            # sudo: the owner releases a customer they may no longer see once in a team's pool
            with marked(owned, OWNER_WRITE):
                owned.sudo().write(
                    {
                        "user_id": False,
                        "crm_pool_state": "pool",
                        "previous_owner_id": owner.id,
                        "crm_released_date": now,
                        "crm_released_by_id": self.env.uid if trigger == "manual" else False,
                        "crm_release_reason": reason,
                        "crm_locked": False,
                        "owner_since": False,
                        "ownership_deadline": False,
                        "crm_release_rule": False,
                        "crm_warned_date": False,
                        "next_followup_date": False,
                    }
                )
        # events are the audit trail: written even when the user may not create them by hand
        self.env["crm.partner.event"].sudo().create(events)
        partners._crm_drop_pool_activities()
        return partners

    def _crm_set_owner(self, user, event_type, trigger, reason=None, document=None):
        now = fields.Datetime.now()
        events = [
            dict(
                self._crm_event_base_vals(partner, event_type, trigger, reason, document),
                from_user_id=partner.user_id.id,
                to_user_id=user.id,
            )
            for partner in self
        ]
        for owner, owned in self.grouped("user_id").items():
            vals = {
                "user_id": user.id,
                "crm_pool_state": "owned",
                "owner_since": now,
                "crm_locked": False,
                "crm_warned_date": False,
            }
            if owner:
                vals["previous_owner_id"] = owner.id
            # sudo: the rules were checked by the caller; a pool customer is not the user's to edit yet
            with marked(owned, OWNER_WRITE):
                owned.sudo().write(vals)
        self.env["crm.partner.event"].sudo().create(events)
        self._crm_drop_pool_activities()
        self._crm_refresh_schedule(partners=self)

    def _crm_change_owner_by_hand(self, user):
        """The Salesperson field of followed customers was edited: follow the ownership rules."""
        if not user:
            self._crm_check_owner_or_manager()
            self._crm_release(self.env._("Salesperson removed by hand."), "manual")
        elif self._crm_is_manager():
            self._crm_assign(user)
        elif user == self.env.user:
            self._crm_claim(user)
        else:
            raise AccessError(
                self.env._(
                    "Only a sales manager may give customers to another salesperson. Release "
                    "%(partners)s to the pool instead.",
                    partners=", ".join(self.mapped("display_name")),
                )
            )

    def _crm_lock_rows(self):
        """Lock the rows of ``self``; refuse naming the winner when another transaction changed them."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                # a lost race is expected, not a bad query: no error in the log
                self.env.cr.execute(
                    SQL("SELECT id FROM res_partner WHERE id IN %s FOR UPDATE", tuple(self.ids)),
                    log_exceptions=False,
                )
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
            raise UserError(self._crm_taken_message()) from None

    def _crm_taken_message(self):
        # another transaction committed a change of these customers after ours began: read what
        # it did through a fresh cursor, ours cannot see it
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """
                    SELECT partner.name, owner_partner.name
                      FROM res_partner partner
                 LEFT JOIN res_users owner ON owner.id = partner.user_id
                 LEFT JOIN res_partner owner_partner ON owner_partner.id = owner.partner_id
                     WHERE partner.id IN %s
                    """,
                    tuple(self.ids),
                )
            )
            rows = cr.fetchall()
        lines = [
            self.env._("%(partner)s was just taken by %(owner)s.", partner=partner, owner=owner)
            if owner
            else self.env._(
                "%(partner)s was just changed by someone else: reload and try again.", partner=partner
            )
            for partner, owner in rows
        ]
        return "\n".join(lines)

    @api.model
    def _crm_pool_for_vals(self, vals):
        """The pool of a new customer: its team's (given, or its salesperson's), else the default."""
        team = self.env["crm.team"].browse(vals.get("crm_team_id"))
        if not team and vals.get("user_id"):
            team = self.env["res.users"].sudo().browse(vals["user_id"]).sale_team_id
        company = self.env["res.company"].browse(vals.get("company_id")) or None
        return self.env["crm.pool"]._get_for_team(team, company)

    def _crm_init_ownership(self):
        """Followed commercial entities entering the CRM flow (``self``) get their pool and
        ownership state; those entering with a salesperson are owned from now on."""
        # sudo: bookkeeping of customers the user was allowed to create or move; a new customer
        # is not visible to its creator until it has a pool or an owner
        entering = self.sudo().filtered(
            lambda partner: partner.lifecycle_stage_id and partner.commercial_partner_id == partner
        )
        if not entering:
            return
        Pool = self.env["crm.pool"]
        now = fields.Datetime.now()
        groups = {}
        for partner in entering:
            pool = partner.crm_pool_id or Pool._get_for_team(partner.crm_team_id, partner.company_id or None)
            state = "owned" if partner.user_id else "pool"
            if (
                partner.crm_pool_id == pool
                and partner.crm_pool_state == state
                and (state == "pool" or partner.owner_since)
            ):
                continue  # preset by create(): nothing to write (the owned are refreshed below)
            groups.setdefault((pool, state), entering.browse())
            groups[(pool, state)] |= partner
        for (pool, state), partners in groups.items():
            vals = {"crm_pool_id": pool.id, "crm_pool_state": state}
            if state == "owned":
                vals["owner_since"] = now
            partners.write(vals)
        owned = entering.filtered("user_id")
        if owned:
            self.env["crm.partner.event"].sudo().create(
                [
                    dict(
                        self._crm_event_base_vals(partner, "assign", "manual"), to_user_id=partner.user_id.id
                    )
                    for partner in owned
                ]
            )
            self._crm_refresh_schedule(partners=owned)

    def _crm_drop_pool_activities(self, kind=None):
        """Remove the open follow-up and release warning activities of ``self`` (new owner, released).

        ``kind``: ``followup`` or ``warning`` for one of them only.
        """
        if not self:
            return
        types = self._crm_pool_activity_types(kind)
        # sudo: the activities were given by the system to the previous owner
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "in", types.ids),
                ("id", "not in", list(marked_ids(self.env, ACTIVITIES_DONE))),
            ]
        ).unlink()

    @api.model
    def _crm_pool_activity_types(self, kind=None):
        xmlids = {
            "followup": "crm_lifecycle.mail_activity_type_crm_followup",
            "warning": "crm_lifecycle.mail_activity_type_crm_release_warning",
        }
        types = self.env["mail.activity.type"]
        for key, xmlid in xmlids.items():
            if kind in (None, key):
                types |= self.env.ref(xmlid, raise_if_not_found=False) or types
        return types
