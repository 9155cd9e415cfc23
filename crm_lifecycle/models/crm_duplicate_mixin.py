from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tools import SQL, format_date, format_list, ormcache

from ..utils import normalize
from .crm_internal import LEAD_MERGE, marked_ids

# kind of key -> the stored columns holding it (a phone matches a phone or a mobile)
KEY_COLUMNS = {
    "name": ("crm_name_key",),
    "vat": ("crm_vat_key",),
    "phone": ("crm_phone_key", "crm_mobile_key"),
    "email": ("crm_email_key",),
}
# leads have no VAT number
LEAD_KEY_KINDS = ("name", "phone", "email")
# The lookup of the keys, a PL/pgSQL function: PostgreSQL plans each of its statements
# once per session (a generic plan), where a plain query on res_partner and its many
# indexes would be planned on every call, for longer than the lookup itself takes.
# Its static SQL is written from KEY_COLUMNS and LEAD_KEY_KINDS (one array of keys per kind).
# Rows: kind, model, two key columns (a phone has two), id, commercial partner id (the
# customer of a lead), company id, owner id, stage id of a lead, candidate. Only the key
# is in each WHERE clause: the other conditions are computed in the candidate column.
# A candidate partner is active and either a CRM-managed commercial partner or a contact
# (whose commercial partner is checked afterwards); a candidate lead is an active lead of
# another salesperson than p_uid.
# (name, alias, model, the other columns of a row, the candidate condition) of each table
LOOKUP_TABLES = {
    "res_partner": (
        "p",
        "res.partner",
        "p.commercial_partner_id, p.company_id, p.user_id, NULL::integer",
        "p.active AND (p.lifecycle_stage_id IS NOT NULL OR p.commercial_partner_id != p.id)",
    ),
    "crm_lead": (
        "l",
        "crm.lead",
        "l.partner_id, l.company_id, l.user_id, l.stage_id",
        "l.active AND l.user_id IS NOT NULL AND l.user_id != p_uid",
    ),
}
LOOKUP_FUNCTION_SIGNATURE = "crm_duplicate_lookup({})".format(
    ", ".join(["text[]"] * len(KEY_COLUMNS) + ["boolean", "integer"])
)


def _lookup_statement(kind, table):
    """The static ``RETURN QUERY`` of one kind of key in one table."""
    alias, model, others, candidate = LOOKUP_TABLES[table]
    columns = KEY_COLUMNS[kind]
    key2 = f"{alias}.{columns[1]}" if len(columns) > 1 else "NULL::varchar"
    where = " OR ".join(f"{alias}.{column} = ANY(p_{kind}s)" for column in columns)
    return (
        f"RETURN QUERY SELECT '{kind}'::text, '{model}'::text, {alias}.{columns[0]}, {key2}, "
        f"{alias}.id, {others}, {candidate} FROM {table} {alias} WHERE {where};"
    )


def _lookup_function_ddl():
    """``CREATE OR REPLACE FUNCTION crm_duplicate_lookup``, written from KEY_COLUMNS."""
    blocks = []
    for kind in KEY_COLUMNS:
        lines = [f"IF cardinality(p_{kind}s) > 0 THEN", _lookup_statement(kind, "res_partner")]
        if kind in LEAD_KEY_KINDS:
            lines += ["IF p_with_leads THEN", _lookup_statement(kind, "crm_lead"), "END IF;"]
        blocks.append("\n".join([*lines, "END IF;"]))
    parameters = ", ".join(f"p_{kind}s text[]" for kind in KEY_COLUMNS)
    return f"""
CREATE OR REPLACE FUNCTION crm_duplicate_lookup({parameters}, p_with_leads boolean, p_uid integer)
RETURNS TABLE (
    hit_kind text, hit_model text, hit_key varchar, hit_key2 varchar, hit_id integer,
    hit_partner_id integer, hit_company_id integer, hit_owner_id integer,
    hit_stage_id integer, hit_candidate boolean
)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $lookup$
BEGIN
{chr(10).join(blocks)}
END
$lookup$
"""


BYPASS_FIELD = "crm_duplicate_bypass_reason"
MANAGER_GROUP = "crm_lifecycle.group_crm_lifecycle_manager"
# lines of a refusal message; a big import names the first ones and counts the others
MAX_MESSAGE_LINES = 10


class CrmDuplicateMixin(models.AbstractModel):
    """Normalised keys of a customer, and the refusal of duplicates of followed customers.

    ``res.partner`` and ``crm.lead`` inherit it. They say which values give the keys
    (:meth:`_crm_key_depends`, :meth:`_crm_key_source`), which records are checked
    (:meth:`_crm_duplicate_checkable`) and how an existing one is described
    (:meth:`_crm_duplicate_summary`), and call the check around their CRUD:

    - ``create``: :meth:`_crm_duplicate_pop_bypass_reasons` on the values, then
      :meth:`_crm_duplicate_check` on the new records;
    - ``write``: :meth:`_crm_duplicate_watch` before, :meth:`_crm_duplicate_check_write` after.

    A record is refused when one of its keys is the key of a CRM-managed customer
    (a commercial partner with a lifecycle stage), or of an open lead of another
    salesperson. Lookups are one SQL query for the whole batch, on indexed columns
    and without joins, and one more only when contacts or leads match.
    """

    _name = "crm.duplicate.mixin"
    _description = "Duplicate Customer Check"

    crm_name_key = fields.Char(
        string="Name Key",
        compute="_compute_crm_keys",
        store=True,
        index="btree_not_null",
        help="Company name without legal form, case, accents, punctuation and spaces.",
    )
    crm_vat_key = fields.Char(
        string="VAT Key",
        compute="_compute_crm_keys",
        store=True,
        index="btree_not_null",
        help="Letters and digits of the VAT number, without country prefix.",
    )
    crm_phone_key = fields.Char(
        string="Phone Key",
        compute="_compute_crm_keys",
        store=True,
        index="btree_not_null",
        help="Digits of the phone number with its country calling code.",
    )
    crm_mobile_key = fields.Char(
        string="Mobile Key",
        compute="_compute_crm_keys",
        store=True,
        index="btree_not_null",
        help="Digits of the mobile number with its country calling code.",
    )
    crm_email_key = fields.Char(
        string="Email Key",
        compute="_compute_crm_keys",
        store=True,
        index="btree_not_null",
        help="Email address, trimmed and lower-case.",
    )
    crm_duplicate_bypass_reason = fields.Char(
        string="Duplicate Bypass Reason",
        compute="_compute_crm_duplicate_bypass_reason",
        readonly=False,
        groups="crm_lifecycle.group_crm_lifecycle_manager",
        help="Sales managers only: save this customer although it matches a customer already "
        "followed. The reason is logged in the chatter.",
    )

    @api.depends(lambda self: self._crm_key_depends())
    def _compute_crm_keys(self):
        for record in self:
            source = record._crm_key_source()
            country = source.get("country")
            record.crm_name_key = normalize.company_name_key(source.get("name")) or False
            record.crm_vat_key = normalize.vat_key(source.get("vat")) or False
            record.crm_phone_key = normalize.phone_key(source.get("phone"), country) or False
            record.crm_mobile_key = normalize.phone_key(source.get("mobile"), country) or False
            record.crm_email_key = normalize.email_key(source.get("email")) or False

    def _compute_crm_duplicate_bypass_reason(self):
        # never stored: the reason is consumed by create/write and kept in the chatter
        self.crm_duplicate_bypass_reason = False

    def init(self):
        res = super().init()
        # once, for the mixin itself (res.partner and crm.lead inherit this method); the
        # body of a PL/pgSQL function is only resolved at its first call, once the tables
        # and their key columns exist
        if self._name == "crm.duplicate.mixin":
            self.env.cr.execute(SQL(_lookup_function_ddl()))
        return res

    # ------------------------------------------------------------------
    # Hooks of the inheriting models (override me)
    # ------------------------------------------------------------------
    @api.model
    def _crm_key_depends(self):
        """The fields :meth:`_crm_key_source` reads."""
        return []

    def _crm_key_source(self):
        """The raw values of the keys of one record.

        :return: dict with ``name`` (company name), ``vat``, ``phone``, ``mobile``,
            ``email`` and ``country`` (ISO code of the country of national phone numbers)
        """
        return {}

    @api.model
    def _crm_duplicate_trigger_fields(self):
        """The fields whose change in a write may make a duplicate."""
        return set(self._crm_key_depends())

    def _crm_duplicate_checkable(self):
        """The records of ``self`` that must not duplicate a followed customer."""
        return self.browse()

    def _crm_duplicate_summary(self):
        """How one existing record is named in a refusal: never its contact details.

        :return: dict with ``name``, ``owner`` (res.users), ``since`` (datetime), ``stage`` (str)
        """
        return {}

    # ------------------------------------------------------------------
    # Create and write
    # ------------------------------------------------------------------
    @api.model
    def _crm_duplicate_enabled(self):
        # Flows running as superuser (mail gateway, website forms, automatic stage moves
        # after a document) have nobody to refuse; a stage move of _crm_set_stage is
        # checked by the write that asked for it.
        return not self.env.su and self.env.company.crm_duplicate_check

    @api.model
    def _crm_duplicate_pop_bypass_reasons(self, vals_list):
        """Remove the bypass reason from each of ``vals_list`` (it is not stored).

        :return: the reasons, in the order of ``vals_list``
        :raise AccessError: when someone else than a sales manager gives a reason
        """
        reasons = [(vals.pop(BYPASS_FIELD, False) or "").strip() for vals in vals_list]
        if any(reasons) and not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a sales manager may save a duplicate customer with a bypass reason. "
                    "Open the customer that already exists, or ask a sales manager."
                )
            )
        return reasons

    def _crm_duplicate_watch(self, vals):
        """Before a write: take the bypass reason out of ``vals``, remember the current keys.

        :return: ``(vals, watch)``; give ``watch`` to :meth:`_crm_duplicate_check_write`
            after the write (None when the write cannot make a duplicate)
        """
        reason = ""
        if BYPASS_FIELD in vals:
            vals = dict(vals)
            reason = self._crm_duplicate_pop_bypass_reasons([vals])[0]
        if not self._crm_duplicate_enabled() or not (
            reason or self._crm_duplicate_trigger_fields().intersection(vals)
        ):
            return vals, None
        checkable = self._crm_duplicate_checkable()
        old_keys = {record.id: record._crm_duplicate_keys() for record in checkable}
        return vals, {"reason": reason, "old_keys": old_keys}

    def _crm_duplicate_check_write(self, watch):
        """After a write: check the keys the write changed, and the records it made checkable."""
        if watch:
            self._crm_duplicate_check(dict.fromkeys(self.ids, watch["reason"]), watch["old_keys"])

    def _crm_duplicate_check(self, bypass_reasons=None, old_keys=None):
        """Refuse the records of ``self`` that duplicate a followed customer.

        :param bypass_reasons: ``{record id: reason}`` given by a sales manager: the record
            is not refused and the reason is logged in its chatter
        :param old_keys: ``{record id: keys}`` before a write: only new keys are checked;
            a record missing here (new, or not checked before the write) is checked on all keys
        :raise UserError: a record matches a customer of another salesperson
        :raise RedirectWarning: a record matches an own customer or one of the pool
        """
        if not self or not self._crm_duplicate_enabled():
            return
        old_keys = old_keys or {}
        keys_by_record = {}
        for record in self._crm_duplicate_checkable():
            keys = record._crm_duplicate_keys()
            old = old_keys.get(record.id)
            if old:
                keys = {kind: values - old[kind] for kind, values in keys.items()}
            if any(keys.values()):
                keys_by_record[record] = keys
        if not keys_by_record:
            return
        matches = self._crm_duplicate_matches(keys_by_record)
        reasons = bypass_reasons or {}
        bypassed = {record: reasons[record.id] for record in keys_by_record if reasons.get(record.id)}
        if bypassed:
            self._crm_duplicate_log_bypass(bypassed, matches)
        if not self._crm_duplicate_refuse_own_and_pool():
            matches = {
                record: [summary for summary in found if summary["status"] == "other"]
                for record, found in matches.items()
            }
        refused = {record: found for record, found in matches.items() if found and record not in bypassed}
        if refused:
            self._crm_duplicate_refuse(refused)

    # ------------------------------------------------------------------
    # Lookup
    # ------------------------------------------------------------------
    def _crm_duplicate_keys(self):
        """The keys of one record: ``{kind: frozenset of keys}``."""
        self.ensure_one()
        return {
            kind: frozenset(self[column] for column in columns if self[column])
            for kind, columns in KEY_COLUMNS.items()
        }

    def _crm_duplicate_matches(self, keys_by_record):
        """The existing customers and leads matching each record.

        :param keys_by_record: ``{record: {kind: keys}}``, records of ``self``
        :return: ``{record: [summary]}`` (see :meth:`_crm_duplicate_summaries`)
        """
        wanted = defaultdict(set)
        for keys in keys_by_record.values():
            for kind, values in keys.items():
                wanted[kind] |= values
        hits = self._crm_duplicate_hits(wanted, with_leads=self._crm_duplicate_against_leads())
        checked = self.browse([record.id for record in keys_by_record])
        # the records checked together never match each other, nor through their contacts or leads
        # (nor do leads being merged together: see crm.lead._merge_opportunity)
        exclude = {
            "res.partner": set(),
            "crm.lead": marked_ids(self.env, LEAD_MERGE),
        }
        exclude[self._name] |= set(checked.ids)
        found = {
            record: self._crm_duplicate_select(
                keys,
                hits,
                record.company_id or self.env.company,
                record.user_id or self.env.user,
                exclude["res.partner"],
                exclude["crm.lead"],
            )
            for record, keys in keys_by_record.items()
        }
        return self._crm_duplicate_summaries(found)

    @api.model
    def _crm_duplicate_search(self, query, company=None):
        """What "Check Customer" answers for a name, phone, email or VAT typed by a user.

        :return: list of summaries (see :meth:`_crm_duplicate_summaries`)
        """
        company = company or self.env.company
        keys = normalize.query_keys(query, company.country_id.code)
        if not keys:
            return []
        wanted = {kind: {key} for kind, key in keys.items()}
        hits = self._crm_duplicate_hits(wanted)
        found = self._crm_duplicate_select(wanted, hits, company, self.env.user)
        return self._crm_duplicate_summaries({None: found})[None]

    @api.model
    def _crm_duplicate_refuse_own_and_pool(self):
        """Whether a match with the user's own customer or a pool customer stops the record
        (with an offer to open that customer). Override me: partners say yes (no second
        record of a customer), leads say no (a new lead for a known customer is business)."""
        return True

    @api.model
    def _crm_duplicate_against_leads(self):
        """Whether records of this model are also checked against other salespeople's open
        leads. Override me: leads say no, Odoo's own lead deduplication (similar leads,
        merge, mass convert) handles leads among themselves."""
        return True

    @api.model
    def _crm_duplicate_hits(self, wanted, with_leads=True):
        """Look up the keys in partners and leads.

        One call of the function ``crm_duplicate_lookup`` (see ``_lookup_function_ddl``)
        for all the kinds of keys, each table alone: no join, and plans cached for the
        session (planning a query on ``res_partner`` and its many indexes costs far more
        than the lookup); then, only when contacts or leads were found, one query for
        their commercial partners and the stages of the leads (see
        :meth:`_crm_duplicate_resolve`).

        :param wanted: ``{kind: set of keys}``
        :param with_leads: whether other salespeople's open leads are looked up too
        :return: ``{(kind, key): [(model, record id, commercial partner id, company id, owner id)]}``
        """
        wanted = {kind: sorted(keys) for kind, keys in wanted.items() if keys}
        if not wanted:
            return defaultdict(list)
        key_fields = [column for columns in KEY_COLUMNS.values() for column in columns]
        self.env["res.partner"].flush_model(
            [*key_fields, "active", "commercial_partner_id", "lifecycle_stage_id", "company_id", "user_id"]
        )
        if with_leads:
            self.env["crm.lead"].flush_model(
                [*key_fields, "active", "user_id", "stage_id", "partner_id", "company_id"]
            )
        self.env.cr.execute(
            SQL(
                "SELECT * FROM crm_duplicate_lookup({})".format(", ".join(["%s"] * (len(KEY_COLUMNS) + 2))),
                *(wanted.get(kind) for kind in KEY_COLUMNS),
                with_leads,
                self.env.uid,
            )
        )
        return self._crm_duplicate_resolve(self.env.cr.fetchall())

    @api.model
    def _crm_duplicate_resolve(self, rows):
        """The hits of the rows of :meth:`_crm_duplicate_hits`.

        A customer found by itself is a hit as it is. A contact stands for its commercial
        partner, which must be active and CRM-managed; a lead needs the commercial partner
        of its customer and must not be in a won stage: those are read in one more query,
        only for them.
        """
        hits = defaultdict(list)
        pending = []
        partner_ids = set()
        stage_ids = set()
        for kind, model, *values, record_id, partner_id, company_id, owner_id, stage_id, candidate in rows:
            if not candidate:
                continue
            keys = {(kind, value) for value in values if value}
            if model == "res.partner" and partner_id == record_id:
                for key in keys:
                    hits[key].append((model, record_id, record_id, company_id, owner_id))
                continue
            if model == "res.partner" and not partner_id:
                continue
            pending.append((keys, model, record_id, partner_id, company_id, owner_id, stage_id))
            partner_ids.add(partner_id)
            stage_ids.add(stage_id)
        partners, won_stage_ids = self._crm_duplicate_resolve_data(partner_ids - {None}, stage_ids - {None})
        for keys, model, record_id, partner_id, company_id, owner_id, stage_id in pending:
            partner = partners.get(partner_id, {})
            if model == "res.partner":
                # a contact: the hit is its commercial partner, when that one is followed
                if not partner.get("followed"):
                    continue
                hit = (model, partner_id, partner_id, partner["company_id"], partner["owner_id"])
            else:
                if stage_id in won_stage_ids:
                    continue
                hit = (model, record_id, partner.get("commercial_id"), company_id, owner_id)
            for key in keys:
                hits[key].append(hit)
        return hits

    @api.model
    def _crm_duplicate_resolve_data(self, partner_ids, stage_ids):
        """Read the partners and lead stages the hits of contacts and leads depend on.

        :return: ``({partner id: {commercial_id, followed, company_id, owner_id}},
            set of won stage ids)``
        """
        if not partner_ids and not stage_ids:
            return {}, set()
        queries = []
        if partner_ids:
            queries.append(
                SQL(
                    """
                    SELECT 'res.partner', id, commercial_partner_id,
                           active AND lifecycle_stage_id IS NOT NULL, company_id, user_id
                      FROM res_partner
                     WHERE id = ANY(%s)
                    """,
                    sorted(partner_ids),
                )
            )
        if stage_ids:
            self.env["crm.stage"].flush_model(["is_won"])
            queries.append(
                SQL(
                    "SELECT 'crm.stage', id, NULL, is_won, NULL, NULL FROM crm_stage WHERE id = ANY(%s)",
                    sorted(stage_ids),
                )
            )
        self.env.cr.execute(SQL(" UNION ALL ").join(queries))
        partners = {}
        won_stage_ids = set()
        for model, record_id, commercial_id, flag, company_id, owner_id in self.env.cr.fetchall():
            if model == "res.partner":
                partners[record_id] = {
                    "commercial_id": commercial_id,
                    "followed": flag,
                    "company_id": company_id,
                    "owner_id": owner_id,
                }
            elif flag:
                won_stage_ids.add(record_id)
        return partners, won_stage_ids

    @api.model
    def _crm_duplicate_select(self, keys, hits, company, owner, exclude_partner_ids=(), exclude_lead_ids=()):
        """The hits of one record's ``keys``, each with the kinds of keys it shares.

        Customers of another company do not count, nor a lead of the record's own
        salesperson (``owner``): converting a lead makes a customer of the same person.
        A lead of a customer already found, or of an excluded partner, does not count either.

        :return: ``{(model, id): set of kinds}``
        """
        found = defaultdict(set)
        lead_customers = {}
        for kind, values in keys.items():
            for value in values:
                for model, record_id, commercial_id, company_id, owner_id in hits.get((kind, value), ()):
                    if company_id and company_id != company.id:
                        continue
                    if commercial_id in exclude_partner_ids:
                        continue
                    if model == "crm.lead":
                        if record_id in exclude_lead_ids or owner_id == owner.id:
                            continue
                        lead_customers[record_id] = commercial_id
                    found[model, record_id].add(kind)
        return {
            (model, record_id): kinds
            for (model, record_id), kinds in found.items()
            if model == "res.partner" or ("res.partner", lead_customers[record_id]) not in found
        }

    @api.model
    def _crm_duplicate_summaries(self, found_by_record):
        """Describe the matches, reading all of them at once.

        :param found_by_record: ``{record: {(model, id): kinds}}``
        :return: ``{record: [summary]}``, a summary being a dict with ``model``, ``id``,
            ``name``, ``owner``, ``since``, ``stage``, ``kinds`` and ``status``: ``own``
            (the current user follows it), ``pool`` (nobody follows it) or ``other``
        """
        ids = defaultdict(set)
        for found in found_by_record.values():
            for model, record_id in found:
                ids[model].add(record_id)
        summaries = {}
        for model, record_ids in ids.items():
            # sudo: the customer may be followed by another salesperson, whom the user
            # may not read; only its name, owner, stage and date are read, never its
            # contact details
            for existing in self.env[model].sudo().browse(sorted(record_ids)):
                summary = existing._crm_duplicate_summary()
                owner = summary["owner"]
                pool = summary.get("pool")
                if not owner and pool and not self._crm_duplicate_pool_open(pool):
                    status = "other"  # a pool of other teams: as closed as another salesperson's
                elif not owner:
                    status = "pool"
                elif owner == self.env.user and model == "res.partner":
                    status = "own"
                else:
                    status = "other"
                summaries[model, existing.id] = dict(summary, model=model, id=existing.id, status=status)
        return {
            record: [dict(summaries[key], kinds=kinds) for key, kinds in sorted(found.items())]
            for record, found in found_by_record.items()
        }

    # ------------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------------
    @api.model
    def _crm_duplicate_describe(self, summary):
        """One sentence about an existing customer: name, owner, since-date, stage, shared keys."""
        values = {
            "name": summary["name"],
            "owner": summary["owner"].name,
            "date": self._crm_duplicate_format_date(summary["since"]),
            "stage": summary["stage"],
            "keys": self._crm_duplicate_kind_labels(summary["kinds"]),
        }
        if summary["model"] == "crm.lead":
            return self.env._(
                "%(name)s is already an open lead of %(owner)s since %(date)s (stage: %(stage)s). "
                "Same %(keys)s.",
                **values,
            )
        if summary["status"] == "pool":
            return self.env._(
                "%(name)s already exists in the pool, followed by nobody (stage: %(stage)s). Same %(keys)s.",
                **values,
            )
        if not summary["owner"] and summary.get("pool"):
            return self.env._(
                "%(name)s already exists in the pool %(pool)s, which is open to other sales teams "
                "(stage: %(stage)s). Same %(keys)s.",
                pool=summary["pool"].name,
                **values,
            )
        if summary["status"] == "own":
            return self.env._(
                "%(name)s already exists: you follow it since %(date)s (stage: %(stage)s). Same %(keys)s.",
                **values,
            )
        return self.env._(
            "%(name)s already exists, followed by %(owner)s since %(date)s (stage: %(stage)s). "
            "Same %(keys)s.",
            **values,
        )

    @api.model
    def _crm_duplicate_pool_open(self, pool):
        """Whether the current user sees the customers of ``pool`` (managers see every pool)."""
        return self.env.user.has_group(MANAGER_GROUP) or pool._is_visible_to(self.env.user)

    @api.model
    def _crm_duplicate_kind_labels(self, kinds):
        """The kinds of keys two records share, as words: "name and phone"."""
        return self._crm_duplicate_kind_words(tuple(kind for kind in KEY_COLUMNS if kind in kinds))

    @api.model
    @ormcache("self.env.lang", "kinds")
    def _crm_duplicate_kind_words(self, kinds):
        # cached: an import describes thousands of duplicates with a few combinations of kinds
        labels = {
            "name": self.env._("name"),
            "vat": self.env._("VAT"),
            "phone": self.env._("phone"),
            "email": self.env._("email"),
        }
        return format_list(self.env, [labels[kind] for kind in KEY_COLUMNS if kind in kinds])

    @api.model
    def _crm_duplicate_format_date(self, value):
        # a datetime is shown as a date in the user's timezone
        return format_date(self.env, value) if value else ""

    def _crm_duplicate_refuse(self, refused):
        """Raise the refusal of ``refused``: ``{record: [summary]}``."""
        lines = []
        blocking = False
        redirect = None
        for record, found in refused.items():
            for summary in found:
                line = self._crm_duplicate_describe(summary)
                if len(refused) > 1:
                    line = self.env._("%(record)s: %(duplicate)s", record=record.display_name, duplicate=line)
                lines.append(line)
                if summary["status"] == "other":
                    blocking = True
                elif redirect is None:
                    redirect = summary
        if len(lines) > MAX_MESSAGE_LINES:
            more = len(lines) - MAX_MESSAGE_LINES
            lines = lines[:MAX_MESSAGE_LINES] + [self.env._("... and %(count)s more.", count=more)]
        if blocking:
            advice = self.env._(
                "Ask the salesperson who follows it or a sales manager before working on this customer."
            )
            if self.env.user.has_group(MANAGER_GROUP):
                advice = self.env._(
                    "As a sales manager, you may fill in the Duplicate Bypass Reason to save it "
                    "anyway; the reason is logged."
                )
            raise UserError("\n".join([*lines, "", advice]))
        message = "\n".join([*lines, "", self.env._("Open it instead of entering it again.")])
        if self.env.context.get("import_file"):
            # an import reports the message on its row, and has no button to open anything
            raise UserError(message)
        action = {
            "type": "ir.actions.act_window",
            "name": redirect["name"],
            "res_model": "res.partner",
            "res_id": redirect["id"],
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
        raise RedirectWarning(message, action, self.env._("Open %(name)s", name=redirect["name"]))

    def _crm_duplicate_log_bypass(self, bypassed, matches):
        """Log in the chatter of each record of ``bypassed`` (``{record: reason}``) who saved it and why."""
        bodies = {}
        for record, reason in bypassed.items():
            body = Markup("<p>%s</p>") % self.env._(
                "Duplicate check bypassed by %(user)s: %(reason)s", user=self.env.user.name, reason=reason
            )
            for summary in matches.get(record, ()):
                body += Markup("<p>%s</p>") % self._crm_duplicate_describe(summary)
            bodies[record.id] = body
        self.browse(list(bodies))._message_log_batch(bodies=bodies)
