from odoo import api, fields, models
from odoo.tools import SQL

from .crm_internal import SCHEDULE_LATER, is_marked

# Customers handled per statement (and per commit) by the ownership crons.
CRM_CRON_BATCH = 5000
# What the ownership schedule is computed from (crm.pool._schedule_query): model -> fields
# (None: the whole model, small configuration tables).
CRM_SCHEDULE_FIELDS = {
    "res.partner": [
        "commercial_partner_id",
        "create_date",
        "crm_followup_days",
        "crm_locked",
        "crm_pool_id",
        "crm_pool_state",
        "crm_release_days",
        "crm_release_rule",
        "crm_warned_date",
        "last_contact_date",
        "lifecycle_stage_id",
        "next_followup_date",
        "owner_since",
        "ownership_deadline",
        "user_id",
    ],
    "crm.lifecycle.stage": None,
    "crm.pool": None,
    "crm.pool.level": None,
    "sale.order": ["partner_id", "state", "date_order"],
    "account.move": ["commercial_partner_id", "state", "move_type", "invoice_date"],
    "crm.lead": ["partner_id", "active", "type", "probability"],
}


# one concern per file, by design (issue 11): see res_partner.py's docstring
class ResPartner(models.Model):
    """Contacts of salespeople with their customers, the follow-up schedule and its crons."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    last_contact_date = fields.Datetime(
        copy=False,
        readonly=True,
        help="Last message, email, done activity or meeting of a salesperson with the customer.",
    )
    next_followup_date = fields.Date(
        string="Next Follow-up",
        copy=False,
        readonly=True,
        index=True,
        help="Last contact plus the follow-up interval.",
    )
    crm_followup_days = fields.Integer(
        string="Follow Up Every (Days)",
        help="This customer's own follow-up interval. 0: the interval of its pool level, stage or pool.",
    )
    crm_never_contacted = fields.Boolean(
        string="Claimed, Never Contacted",
        compute="_compute_crm_never_contacted",
        search="_search_crm_never_contacted",
        help="Owned, and nobody contacted the customer since its owner took it.",
    )

    @api.depends("crm_pool_state", "owner_since", "last_contact_date")
    def _compute_crm_never_contacted(self):
        for partner in self:
            partner.crm_never_contacted = bool(
                partner.crm_pool_state == "owned"
                and partner.owner_since
                and (not partner.last_contact_date or partner.last_contact_date < partner.owner_since)
            )

    def _search_crm_never_contacted(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"Unsupported search on crm_never_contacted: {operator} {value!r}")
        # a domain cannot compare two fields: select the ids in SQL (indexed on the state)
        never = SQL(
            """(SELECT id FROM res_partner
                 WHERE crm_pool_state = 'owned' AND owner_since IS NOT NULL
                   AND (last_contact_date IS NULL OR last_contact_date < owner_since))"""
        )
        return [("id", "in" if (operator == "=") == value else "not in", never)]

    # ------------------------------------------------------------------
    # Contacts and schedule
    # ------------------------------------------------------------------
    @api.model
    def _crm_register_contact(self, partners, date=None):
        """A salesperson was in touch with ``partners``: move their last contact and schedule."""
        partners = partners.commercial_partner_id.filtered("lifecycle_stage_id")
        if not partners:
            return
        date = date or fields.Datetime.now()
        self.env["res.partner"].flush_model(["last_contact_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner SET last_contact_date = %(date)s
                 WHERE id IN %(ids)s AND (last_contact_date IS NULL OR last_contact_date < %(date)s)
             RETURNING id
                """,
                date=date,
                ids=tuple(partners.ids),
            )
        )
        touched = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not touched:
            return
        touched.invalidate_recordset(["last_contact_date"])
        touched._crm_refresh_schedule(partners=touched)
        # the due follow-up and a warning made stale by the contact are done with
        today = fields.Date.context_today(self)
        touched = touched.sudo()
        touched.filtered(lambda partner: not partner.crm_warned_date)._crm_drop_pool_activities("warning")
        touched.filtered(
            lambda partner: not partner.next_followup_date or partner.next_followup_date > today
        )._crm_drop_pool_activities("followup")

    @api.model
    def _crm_refresh_schedule(self, partners=None, pools=None, ids=None):
        """Recompute ``ownership_deadline``, ``crm_release_rule`` and ``next_followup_date`` in SQL.

        For ``partners``, the owned customers of ``pools``, or the ids ``ids``. A warning
        already given is forgotten when the deadline moves out of the warning window.
        """
        if partners is not None and is_marked(partners, SCHEDULE_LATER):
            return  # the caller refreshes these partners once it is done (see _crm_set_stage)
        if partners is not None:
            # only the owned customers have a schedule (see crm.pool._schedule_query): the others
            # cost no flush nor UPDATE (a lead converted for a pool customer, one at a time);
            # sudo: the ownership state of customers the caller is moving, read from the cache
            ids = (
                partners.sudo()
                .filtered(
                    lambda partner: (
                        partner.crm_pool_state == "owned"
                        and partner.user_id
                        and partner.lifecycle_stage_id
                        and partner.commercial_partner_id == partner
                    )
                )
                .ids
            )
        if pools is not None:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM res_partner WHERE crm_pool_id IN %s AND crm_pool_state = 'owned'",
                    tuple(pools.ids) or (0,),
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return
        # what the schedule reads, not every pending write of the transaction (Odoo batches
        # those: flushing them all per converted lead would write them one lead at a time)
        for model, fnames in CRM_SCHEDULE_FIELDS.items():
            self.env[model].flush_model(fnames)
        for start in range(0, len(ids), CRM_CRON_BATCH):
            self.env["crm.pool"]._refresh_schedule_batch(ids[start : start + CRM_CRON_BATCH])
        self.invalidate_model(
            [
                "ownership_deadline",
                "crm_release_rule",
                "crm_release_days",
                "next_followup_date",
                "crm_warned_date",
            ]
        )

    # ------------------------------------------------------------------
    # Crons (their SQL lives next to the pool's schedule: crm_pool_schedule.py)
    # ------------------------------------------------------------------
    @api.model
    def _cron_crm_release_expired(self, batch_size=CRM_CRON_BATCH):
        """Warn owners before the deadline, then return expired customers to their pools.

        Walks the owned customers by id in batches. Per batch: one statement refreshes the
        schedule, one releases the expired customers and writes their events, one gives the
        warnings. Each batch is committed on its own (outside tests): a rerun after a crash
        re-reads the state and continues, nothing is released twice and no event is lost.
        """
        Pool = self.env["crm.pool"]
        now = fields.Datetime.now()
        texts = Pool._release_texts_by_lang()
        for ids in Pool._cron_batches(SQL("TRUE"), batch_size, count=True):
            with self.env.cr.savepoint(flush=False):
                Pool._refresh_schedule_batch(ids)
                Pool._release_expired_batch(ids, now, texts)
                Pool._warn_batch(ids, now, texts)
        self.invalidate_model()
        self.env["crm.partner.event"].invalidate_model()
        self.env["mail.activity"].invalidate_model()

    @api.model
    def _cron_crm_followup_reminders(self, batch_size=CRM_CRON_BATCH):
        """Give each owner one "Follow up" activity for the customers due today or overdue.

        Never duplicated: a customer with an open follow-up activity gets none. Batched by id,
        one statement per batch, committed per batch outside tests.
        """
        Pool = self.env["crm.pool"]
        today = fields.Date.context_today(self)
        texts = Pool._release_texts_by_lang()
        due = SQL("user_id IS NOT NULL AND next_followup_date <= %s", today)
        for ids in Pool._cron_batches(due, batch_size):
            Pool._followup_batch(ids, today, texts)
        self.env["mail.activity"].invalidate_model()
