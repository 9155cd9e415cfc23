"""Validation and writing of the rows of a customer import, chunk by chunk.

Plain Python beside the ORM: the wizard ``crm.customer.import`` reads the spreadsheet and
gives :class:`CustomerImportEngine` its rows, a chunk at a time. Per chunk the engine

- validates every row (name, email, phones, country and state, duplicates inside the file,
  duplicates of customers and leads already followed, the importer's ``max_owned``) with
  one set-based duplicate lookup for the whole chunk, never a query per row;
- writes the valid rows with a few SQL statements: the partners (and the contact person of
  each), their tags, their timeline events, several times faster than ``create()``. The
  engine computes itself the stored fields the ORM would compute for a new customer of this
  module, and lets the ORM compute the stored fields of other modules (see
  :meth:`CustomerImportEngine._write`). That is safe only while ``create()`` of res.partner
  does nothing more than the engine reproduces: before writing, the engine looks for the
  installed modules that change it (:func:`unreproduced_overrides`) and, when one is not in
  ``REPRODUCED_OVERRIDES``, creates the rows through ``create()`` instead, in batches.

The engine keeps what a pass over a file learns across its chunks: the keys already seen
(a duplicate inside the file names the first row), the rows that will be owned (for
``max_owned``), the countries, states, tags, industries and sources looked up. It knows the
rows by their row number, so validating the same rows again gives the same answer: the
preview and the import of a file may share an engine, or use one each.
"""

import copy
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

import psycopg2.extensions

from odoo import Command, fields
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, escape_psql, plaintext2html

from odoo.addons.phone_validation.tools import phone_validation

from ..models.crm_duplicate_mixin import KEY_COLUMNS
from ..utils import import_headers, normalize
from ..utils.pg_copy import copy_line

OK = "ok"
ERROR = "error"
DUPLICATE = "duplicate"
MANAGER_GROUP = "crm_lifecycle.group_crm_lifecycle_manager"
# Tags in one cell: "vip, fair", "vip; fair", "贵宾，展会", "贵宾、展会", or one per line.
TAG_SEPARATORS = re.compile(r"[,;\n，；、]")
# Targets whose columns are joined when several columns map to them; for the others the
# first non-empty column wins.
JOINED_TARGETS = {"notes": "\n", "tags": ","}
# Stored computed fields of res.partner the engine computes itself for a new customer;
# the ORM computes the other stored computed fields of the new partners.
OWN_COMPUTED_FIELDS = (
    "crm_name_key",
    "crm_vat_key",
    "crm_phone_key",
    "crm_mobile_key",
    "crm_email_key",
    "complete_name",
    "commercial_partner_id",
    "commercial_company_name",
    "email_normalized",
    "phone_sanitized",
    "partner_share",
    "crm_team_id",
    "user_id",
)
# What create() of res.partner runs besides the ORM, method by method, and the modules whose code
# of each method the fast path reproduces, in a database with crm_lifecycle, crm_value and
# crm_service (and the modules they depend on or that install with them). A class of any other
# module that defines one of these methods, or the method computing one of OWN_COMPUTED_FIELDS,
# sends the import through create() (see unreproduced_overrides); so does a module giving
# res.partner an attribute of NOT_REPRODUCED_ATTRIBUTES. When an override below changes, or a
# module is added to the list, the comparison of the two paths in the tests must still hold
# (test_customer_import_paths).
REPRODUCED_OVERRIDES = {
    # base: the website cleaned, the commercial fields and address of a contact taken from its
    # company, its language; mail: the chatter, left out on purpose (the import is the record of
    # who imported what); account: customer_rank of customers; crm_lifecycle: the stage, pool and
    # ownership, the duplicate check (in _check), the timeline (the import event)
    "create": {"base", "mail", "account", "crm_lifecycle"},
    "_create": set(),
    # the commercial sync writes each new contact: the writes of account (the moves of a partner)
    # and snailmail (its pending letters) have nothing to do on a new partner, those of mail are
    # tracking, crm_lifecycle's passes the stage of a contact through
    "write": {"base", "mail", "account", "snailmail", "crm_lifecycle"},
    "_write": set(),
    "_fields_sync": {"base"},
    "_children_sync": {"base"},
    "_commercial_sync_from_company": {"base"},
    "_commercial_sync_to_children": {"base"},
    "_company_dependent_commercial_sync": {"base"},
    "_handle_first_contact_creation": {"base"},
    "_onchange_parent_id_for_lang": {"base"},
    "onchange_parent_id": {"base"},
    "update_address": {"base"},
    # what create() of crm_lifecycle calls
    "_crm_duplicate_pop_bypass_reasons": {"crm_lifecycle"},
    "_crm_managed_context": {"crm_lifecycle"},
    "_crm_pool_for_vals": {"crm_lifecycle"},
    "_crm_event_vals": {"crm_lifecycle"},
    "_crm_event_base_vals": {"crm_lifecycle"},
    "_crm_init_ownership": {"crm_lifecycle"},
    "_crm_duplicate_check": {"crm_lifecycle"},
    # the stored computed fields the engine computes itself (OWN_COMPUTED_FIELDS), and what they call
    "_compute_crm_keys": {"crm_lifecycle"},
    "_crm_key_source": {"crm_lifecycle"},
    "_crm_key_depends": {"crm_lifecycle"},
    "_compute_complete_name": {"base"},
    "_compute_commercial_partner": {"base"},
    "_compute_commercial_company_name": {"base"},
    "_compute_email_normalized": {"mail"},
    "_compute_phone_sanitized": {"phone_validation"},
    "_phone_format": {"phone_validation"},
    "_phone_get_number_fields": {"phone_validation"},
    "_compute_partner_share": {"base"},
    "_compute_crm_team_id": {"crm_lifecycle"},
    "_compute_user_id": {"base"},
}
# Attributes of a model that make create() write more than the rows of its table
NOT_REPRODUCED_ATTRIBUTES = ("_inherits", "_parent_store")
# the constraint of res.partner that refuses a cycle in the hierarchy of partners
CYCLE_CHECK = "_check_parent_id"
LOG_FIELDS = ("id", "create_uid", "create_date", "write_uid", "write_date")
# the texts of a row kept as they are (attribute of the row: target of the column)
ROW_TEXTS = {
    "name": "name",
    "contact": "contact_name",
    "email": "email",
    "vat": "vat",
    "street": "street",
    "city": "city",
    "comment": "notes",
    "industry": "industry",
    "source": "source",
    "phone": "phone",
    "mobile": "mobile",
    "website": "website",
}
# The models of the names a row may give, by target: found by name, created when missing.
NAMED_MODELS = {"tags": "res.partner.category", "industry": "res.partner.industry", "source": "utm.source"}


@dataclass
class RowResult:
    """The outcome of one row.

    ``status``: ``ok`` (imported, or to be imported by a preview), ``error`` or ``duplicate``
    (of a customer or lead already followed, or of an earlier row). ``message`` names the
    row and gives every reason (or the warnings of an ``ok`` row: a field left empty);
    ``reasons`` holds the same texts without the row number.
    """

    row_number: int
    cells: list
    values: dict = field(default_factory=dict)
    status: str = OK
    message: str = ""
    partner_id: int = 0
    reasons: list = field(default_factory=list)


class _Row:
    """One row being validated and written: its values, ids and keys."""

    __slots__ = (
        "city",
        "comment",
        "contact",
        "contact_id",
        "country_id",
        "duplicates",
        "email",
        "email_normalized",
        "errors",
        "industry",
        "key_columns",
        "keys",
        "mobile",
        "name",
        "phone",
        "result",
        "source",
        "state_id",
        "street",
        "tags",
        "vat",
        "warnings",
        "website",
    )

    def __init__(self, row_number, cells):
        self.result = RowResult(row_number, list(cells))
        self.errors = []
        self.warnings = []
        self.duplicates = []
        self.keys = {}
        self.key_columns = {}
        self.contact_id = 0
        self.country_id = self.state_id = None
        self.email_normalized = None
        self.tags = []

    # what _parse() learns from the file alone, as JSON can hold it (see CustomerImportEngine.validate)
    STAGED = ("errors", "warnings", "key_columns", "country_id", "state_id", "email_normalized", "tags")

    def dump(self):
        """The row as its file gave it, once parsed: a list JSON can hold (copies: the checks
        that read the database add to the values, errors and warnings)."""
        return [
            self.result.row_number,
            self.result.cells,
            dict(self.result.values),
            *(copy.copy(getattr(self, name)) for name in self.STAGED),
        ]

    @classmethod
    def load(cls, data):
        """The row of ``dump()``, as ``_parse()`` left it."""
        row = cls(data[0], ())
        row.result.cells = data[1]  # a list of the JSON just read: no copy
        row.result.values = data[2]
        for name, value in zip(cls.STAGED, data[3:], strict=True):
            setattr(row, name, value)
        row.set_texts()
        row.set_keys()
        return row

    def set_texts(self):
        """The texts of the row from its values (its website already cleaned)."""
        get = self.result.values.get
        for attribute, target in ROW_TEXTS.items():
            setattr(self, attribute, get(target, ""))

    def set_keys(self):
        """The keys of the duplicate check by kind, from the key columns."""
        key_columns = self.key_columns
        keys = {}
        for kind, columns in KEY_COLUMNS.items():
            found = {key_columns[column] for column in columns if key_columns[column] is not None}
            if found:
                keys[kind] = found
        self.keys = keys

    @property
    def number(self):
        return self.result.row_number

    def names(self, target):
        """The names the row gives for a target of NAMED_MODELS."""
        if target == "tags":
            return self.tags
        name = getattr(self, target)
        return [name] if name else []


class CustomerImportEngine:
    """Validate and write the rows of one customer spreadsheet, a chunk at a time.

    :param env: the importer's environment (``with_user(importer)``, the import's company)
    :param filename: the name of the file, told in the timeline of each customer
    :param pool: the ``crm.pool`` of the imported customers (those owned by the importer
        return to it when released)
    :param assign_to_me: the importer owns the imported customers, within the pool's
        ``max_owned``; otherwise they are in the pool, owned by nobody
    :param unknown_location: ``skip`` a row with an unknown country or state, or leave
        the field ``empty`` and import the row
    :param columns: ``{column index: target}`` (targets of ``import_headers.TARGETS``)
    """

    # rows checked and written together: each chunk costs a few queries and plans whatever its
    # size, and 5,000 rows imported about a tenth faster than 2,000 (50,000-row file); a chunk
    # is also a commit of the background job and a step of its progress
    CHUNK = 5000
    # rows created by one call of create() when the import goes through it (see _write): the
    # ORM's cost per row hardly falls beyond that, and a batch refused by a constraint is
    # written again in halves
    ORM_BATCH = 1000

    def __init__(self, env, *, filename, pool, assign_to_me, unknown_location="skip", columns, document=None):
        self.env = env
        self.document = document  # the record the import events name as their source (the import)
        self.filename = filename or ""
        self.pool = pool.with_env(env)
        self.assign_to_me = bool(assign_to_me)
        self.unknown_location = unknown_location or "skip"
        self.columns = sorted(
            (int(index), target) for index, target in columns.items() if target in import_headers.TARGETS
        )
        self._access_checked = False
        self._seen = {}  # (kind, key) -> the first row giving it
        self._owned_rows = set()  # rows owned by the importer once imported
        self._owned_before = None  # the importer's customers in the pool before the import
        self._reference = None  # countries and states, read once
        self._named = {target: {} for target in NAMED_MODELS}  # lower-case name -> id (0: to create)
        self._may_create = {}  # target -> whether the importer may create its records
        self._partner_defaults = None
        self._pool_stage_id = None
        self._inserted = 0  # partners inserted since the statistics were last refreshed
        self._analyzed_size = None  # partners in the table by the statistics
        self._overrides = None  # the code create() runs that the fast path does not reproduce
        self._comments = {}  # the notes of rows: their text -> the sanitized HTML

    # ------------------------------------------------------------------
    # API
    # ------------------------------------------------------------------
    def check_access(self):
        """Refuse an importer who may not create customers, or not in this pool.

        :raise AccessError: no create right on partners, or a pool of another company or
            of sales teams the importer is not in (sales managers import into any pool)
        """
        if self._access_checked:
            return
        env = self.env
        env["res.partner"].check_access("create")
        # sudo: the pool's name and teams only, to tell the importer why it is refused
        pool = self.pool.sudo()
        if not pool:
            raise UserError(env._("Choose the pool of the imported customers."))
        if pool.company_id not in env.user.company_ids:
            raise AccessError(
                env._(
                    "You cannot import customers into the pool %(pool)s of %(company)s: you do not work "
                    "for that company.",
                    pool=pool.name,
                    company=pool.company_id.name,
                )
            )
        if not env.user.has_group(MANAGER_GROUP) and not pool._is_visible_to(env.user):
            raise AccessError(
                env._(
                    "You cannot import customers into the pool %(pool)s: it is open to the sales teams "
                    "%(teams)s only. Choose the pool of your team.",
                    pool=pool.name,
                    teams=", ".join(pool.team_ids.mapped("name")),
                )
            )
        self._access_checked = True

    def unreproduced_overrides(self):
        """The code of installed modules that ``create()`` of res.partner runs and the fast
        path does not reproduce: ``{module: [method, ...]}``; when there is any, the rows are
        created through ``create()`` (see :func:`unreproduced_overrides`)."""
        if self._overrides is None:
            self._overrides = unreproduced_overrides(self.env["res.partner"])
        return self._overrides

    def write_method(self):
        """How the rows are written, and why, in the importer's language:
        ``("copy", note)`` for the fast path, ``("orm", note)`` through ``create()``."""
        env = self.env
        overrides = self.unreproduced_overrides()
        if not overrides:
            return "copy", env._(
                "The customers are written with the fast import (SQL COPY): it reproduces what every "
                "installed module does when a customer is created."
            )
        reasons = "; ".join(
            env._(
                "the module %(module)s overrides %(methods)s",
                module=module,
                methods=", ".join(f"res.partner.{name}" for name in names),
            )
            for module, names in sorted(overrides.items())
        )
        return "orm", env._(
            "The customers are created through Odoo's create(), %(count)s rows at a time, instead of "
            "the fast import: %(reasons)s, which the fast import does not reproduce.",
            count=self.ORM_BATCH,
            reasons=reasons,
        )

    def validate(self, rows, staged=None):
        """Check one chunk of rows without writing anything.

        :param rows: ``[(row number, [cell text, ...])]``
        :param staged: a list to which each row is appended as the file gives it, once
            parsed (JSON-able): :meth:`run_staged` imports them without reading nor parsing
            the file again, and checks again what may have changed since (duplicates,
            tags, industries and sources, ``max_owned``)
        :return: a :class:`RowResult` per row, in the order of ``rows``
        """
        self.check_access()
        parsed = self._parse_rows(rows)
        if staged is not None:
            staged.extend(row.dump() for row in parsed)
        return [row.result for row in self._check(parsed)]

    def run(self, rows):
        """Check one chunk of rows and write its valid rows.

        :return: a :class:`RowResult` per row; the created customer in ``partner_id``
        """
        return self._run(self._parse_rows(rows))

    def run_staged(self, staged):
        """:meth:`run` on rows staged by :meth:`validate` (a chunk of them)."""
        return self._run([_Row.load(data) for data in staged])

    def _run(self, parsed):
        self.check_access()
        self._refresh_statistics()
        checked = self._check(parsed)
        valid = [row for row in checked if row.result.status == OK]
        if valid:
            self._write(valid)
        return [row.result for row in checked]

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    def _parse_rows(self, rows):
        self._load_reference()
        return [self._parse(row_number, cells) for row_number, cells in rows]

    def _check(self, checked):
        """The checks of the parsed rows that read the database: names, duplicates, limits."""
        self._load_reference()
        self._find_names(checked)
        candidates = [row for row in checked if not row.errors]
        self._find_existing(candidates)
        for row in candidates:
            if row.duplicates:
                self._forget(row)  # validated before, created by someone else since
                continue
            earlier = self._earlier_row(row)
            if earlier:
                row.duplicates.append(earlier)
            elif self._over_owned_limit(row):
                row.errors.append(self._owned_limit_message())
            else:
                for kind, keys in row.keys.items():
                    for key in keys:
                        self._seen.setdefault((kind, key), row.number)
        for row in checked:
            self._conclude(row)
        return checked

    def _cells(self, cells):
        """The texts of the mapped columns: ``{target: text}``."""
        values = {}
        for index, target in self.columns:
            text = (cells[index] if index < len(cells) else "") or ""
            text = str(text).strip()
            if not text:
                continue
            if target in values and target in JOINED_TARGETS:
                values[target] += JOINED_TARGETS[target] + text
            else:
                values.setdefault(target, text)
        return values

    def _parse(self, row_number, cells):
        """Read one row and check what needs no query: name, email, phones, country, state."""
        env = self.env
        row = _Row(row_number, cells)
        values = self._cells(cells)
        row.result.values = values
        row.set_texts()
        if row.website:
            row.website = values["website"] = env["res.partner"]._clean_website(row.website)
        tags = {}
        for tag in TAG_SEPARATORS.split(values.get("tags", "")):
            tag = tag.strip()
            if tag:
                tags.setdefault(tag.lower(), tag)
        row.tags = list(tags.values())
        if row.tags:
            values["tags"] = ", ".join(row.tags)

        name_key = normalize.company_name_key(row.name)
        if not row.name:
            row.errors.append(env._("The company name is missing."))
        elif not name_key:
            row.errors.append(
                env._(
                    'The name "%(name)s" is too short to tell the customer apart: '
                    "write the full company name.",
                    name=row.name,
                )
            )
        row.email_normalized = _email_normalized(row.email) if row.email else None
        if row.email and not row.email_normalized:
            row.errors.append(
                env._(
                    '"%(email)s" is not a valid email address: write one address, like name@example.com.',
                    email=row.email,
                )
            )
        self._parse_location(row, values)
        # the keys of the duplicate check, as crm.duplicate.mixin computes them: a national
        # number is read in the customer's country, else the company's
        country_code = self._reference["countries"].get(row.country_id, {}).get("code") or self._home_code
        phone_key = normalize.phone_key(row.phone, country_code)
        if row.phone and not phone_key:
            row.errors.append(env._('The phone "%(number)s" is not a phone number.', number=row.phone))
        mobile_key = normalize.phone_key(row.mobile, country_code)
        if row.mobile and not mobile_key:
            row.errors.append(env._('The mobile "%(number)s" is not a phone number.', number=row.mobile))
        row.key_columns = {
            "crm_name_key": name_key or None,
            "crm_vat_key": normalize.vat_key(row.vat) or None,
            "crm_phone_key": phone_key or None,
            "crm_mobile_key": mobile_key or None,
            "crm_email_key": normalize.email_key(row.email) or None,
        }
        row.set_keys()
        return row

    def _parse_location(self, row, values):
        """The country (by ISO code or name in any language) and the state (by code or name
        within the country; a row without country looks in the company's country)."""
        env = self.env
        reference = self._reference
        country_text = values.get("country", "")
        if country_text:
            row.country_id = reference["country_ids"].get(_match_key(country_text))
            if not row.country_id:
                self._unknown(
                    row,
                    "country",
                    env._(
                        'Unknown country "%(country)s": write its name or its two-letter code (e.g. PL).',
                        country=country_text,
                    ),
                    env._('Unknown country "%(country)s": left empty.', country=country_text),
                )
        state_text = values.get("state", "")
        if state_text:
            country_id = row.country_id or (None if country_text else self._home_country_id)
            state_id = self._find_state(country_id, _match_key(state_text))
            if state_id:
                row.state_id = state_id
                row.country_id = country_id
            else:
                country = reference["countries"].get(country_id, {}).get("name") or country_text
                self._unknown(
                    row,
                    "state",
                    env._(
                        'Unknown state "%(state)s" in %(country)s: write its name or its code.',
                        state=state_text,
                        country=country,
                    ),
                    env._(
                        'Unknown state "%(state)s" in %(country)s: left empty.',
                        state=state_text,
                        country=country,
                    ),
                )
        if row.country_id:
            values["country"] = reference["countries"][row.country_id]["name"]
        if row.state_id:
            values["state"] = reference["states"][row.state_id]

    def _find_state(self, country_id, key):
        """The state of ``country_id`` of that code or name, or the only one whose name starts
        so ("浙江" for 浙江省, "Mazowieckie" for "Mazowieckie Voivodeship")."""
        state_id = self._reference["state_ids"].get((country_id, key))
        if state_id or len(key) < 2:
            return state_id
        found = {
            state_id
            for name, state_id in self._reference["state_names"].get(country_id, ())
            if name.startswith(key)
        }
        return found.pop() if len(found) == 1 else None

    def _unknown(self, row, target, error, warning):
        if self.unknown_location == "empty":
            row.warnings.append(warning)
            row.result.values[target] = ""
        else:
            row.errors.append(error)

    def _find_names(self, rows):
        """Look up the tags, industries and sources of ``rows`` not met yet, by name and case
        insensitively: one search per model for the whole chunk. A missing one is created when
        the rows are written if the importer may create it, else left empty with a warning."""
        env = self.env
        for target, model in NAMED_MODELS.items():
            known = self._named[target]
            wanted = {}
            for row in rows:
                for name in row.names(target):
                    wanted.setdefault(name.lower(), name)
            wanted = {lower: name for lower, name in wanted.items() if lower not in known}
            if wanted:
                domain = expression.OR([[("name", "=ilike", escape_psql(name))] for name in wanted.values()])
                for record in env[model].search(domain, order="id"):
                    known.setdefault(record.name.lower(), record.id)
                for lower in wanted:
                    known.setdefault(lower, 0)  # 0: to create
            if target not in self._may_create:
                self._may_create[target] = env[model].has_access("create")
            if self._may_create[target]:
                continue
            for row in rows:
                missing = [name for name in row.names(target) if not known[name.lower()]]
                row.warnings.extend(self._name_warning(target, name) for name in missing)
                if missing:
                    kept = [name for name in row.names(target) if name not in missing]
                    row.result.values[target] = ", ".join(kept)

    def _name_warning(self, target, name):
        if target == "tags":
            return self.env._(
                'The tag "%(name)s" does not exist and you may not create it: left out.', name=name
            )
        if target == "industry":
            return self.env._(
                'The industry "%(name)s" does not exist and you may not create it: left empty.', name=name
            )
        return self.env._(
            'The source "%(name)s" does not exist and you may not create it: left empty.', name=name
        )

    def _find_existing(self, rows):
        """The customers and leads already followed that ``rows`` duplicate, as the duplicate
        check of a new customer finds them: one lookup for the whole chunk."""
        wanted = defaultdict(set)
        for row in rows:
            for kind, keys in row.keys.items():
                wanted[kind] |= keys
        if not wanted:
            return
        Partner = self.env["res.partner"]
        hits = Partner._crm_duplicate_hits(wanted)
        owner = self.env.user if self.assign_to_me else self.env["res.users"]
        company = self.pool.company_id
        found = {}
        for row in rows:
            matches = Partner._crm_duplicate_select(row.keys, hits, company, owner)
            if matches:
                found[row] = matches
        for row, summaries in Partner._crm_duplicate_summaries(found).items():
            row.duplicates.extend(Partner._crm_duplicate_describe(summary) for summary in summaries)

    def _earlier_row(self, row):
        """The sentence naming the first earlier row of the file with a key of ``row``."""
        earlier = defaultdict(set)
        for kind, keys in row.keys.items():
            for key in keys:
                first = self._seen.get((kind, key))
                if first is not None and first != row.number:
                    earlier[first].add(kind)
        if not earlier:
            return None
        first = min(earlier)
        return self.env._(
            "Same %(keys)s as row %(row)s.",
            keys=self.env["res.partner"]._crm_duplicate_kind_labels(earlier[first]),
            row=first,
        )

    def _over_owned_limit(self, row):
        """Whether owning ``row`` would take the importer over the pool's ``max_owned``."""
        if not self.assign_to_me or not self.pool.max_owned or row.number in self._owned_rows:
            return False
        if self._owned_count() >= self.pool.max_owned:
            return True
        self._owned_rows.add(row.number)
        return False

    def _owned_count(self):
        if self._owned_before is None:
            # sudo: a count of the importer's own customers, as the pool limits count them
            self._owned_before = (
                self.env["res.partner"]
                .sudo()
                .search_count(
                    [
                        ("user_id", "=", self.env.uid),
                        ("crm_pool_state", "=", "owned"),
                        ("crm_pool_id", "=", self.pool.id),
                        ("lifecycle_stage_id", "!=", False),
                        ("parent_id", "=", False),
                    ]
                )
            )
        return self._owned_before + len(self._owned_rows)

    def _owned_limit_message(self):
        # the words of the pool limits (res.partner._crm_limit_messages)
        return self.env._(
            "%(user)s owns %(owned)s customers of the pool %(pool)s, whose limit is %(max)s: "
            "release customers before taking %(count)s more.",
            user=self.env.user.name,
            owned=self._owned_count(),
            pool=self.pool.sudo().name,
            max=self.pool.max_owned,
            count=1,
        )

    def _conclude(self, row):
        result = row.result
        if row.errors:
            result.status, result.reasons = ERROR, row.errors
        elif row.duplicates:
            result.status, result.reasons = DUPLICATE, row.duplicates
        else:
            result.status, result.reasons = OK, row.warnings
        result.message = self._row_message(row.number, result.reasons)

    def _row_message(self, row_number, reasons):
        if not reasons:
            return ""
        return self.env._("Row %(row)s: %(reasons)s", row=row_number, reasons=" ".join(reasons))

    # ------------------------------------------------------------------
    # Reference data
    # ------------------------------------------------------------------
    def _load_reference(self):
        """Countries, states, the entry stage and the defaults of a new partner, read once."""
        if self._reference is not None:
            return
        env = self.env
        lang = env.lang or "en_US"
        countries = {}
        country_ids = {}
        # countries and states are public reference data; their names in every language are
        # read at once from the translations column
        env["res.country"].flush_model(["code", "name", "phone_code"])
        env["res.country.state"].flush_model(["code", "name", "country_id"])
        env.cr.execute(SQL("SELECT id, code, name, phone_code FROM res_country ORDER BY id"))
        for country_id, code, names, phone_code in env.cr.fetchall():
            names = names or {}
            countries[country_id] = {
                "code": code,
                "phone_code": phone_code,
                "name": names.get(lang) or names.get("en_US") or code,
            }
            for name in names.values():
                country_ids.setdefault(_match_key(name), country_id)
        for country_id, info in countries.items():
            if info["code"]:
                country_ids[_match_key(info["code"])] = country_id  # a code wins over a name
        states = {}
        state_ids = {}
        state_names = defaultdict(list)
        env.cr.execute(SQL("SELECT id, country_id, code, name FROM res_country_state ORDER BY id"))
        for state_id, country_id, code, name in env.cr.fetchall():
            states[state_id] = name
            state_ids.setdefault((country_id, _match_key(name)), state_id)
            state_names[country_id].append((_match_key(name), state_id))
            if code:
                state_ids.setdefault((country_id, _match_key(code)), state_id)
        self._reference = {
            "countries": countries,
            "country_ids": country_ids,
            "states": states,
            "state_ids": state_ids,
            "state_names": state_names,
        }

    @property
    def _home_country_id(self):
        return self.env.company.country_id.id or None

    @property
    def _home_code(self):
        return self.env.company.country_id.code or ""

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------
    def _write(self, rows):
        """Write the valid ``rows`` of a chunk: partners, contacts, tags, events, schedules.

        The partners are inserted by SQL, not by ``create()``: a deliberate bypass of the ORM
        for speed, and a safe one because the engine replays what ``create()`` checks and
        computes:

        - rights: the importer's create right on partners and the visibility of the pool are
          checked (:meth:`check_access`), the create record rules on the new partners;
        - values: defaults from one ``default_get`` as the importer; every stored computed
          field of this module and of Odoo's partner (keys, names, commercial partner,
          normalised email and phone, ownership...) computed here as their compute methods
          do; every other stored computed field marked for the ORM to compute;
        - constraints: the Python constraints of res.partner run on the new partners
          (SQL ones run in the database); a chunk that breaks one is written again in
          halves, so that only the rows that break it are refused;
        - the duplicate check ran on the chunk in :meth:`_check`; the timeline event of
          each customer is written with it, and the ownership schedule refreshed.

        Nothing else of ``create()`` is replayed: no chatter message "created" nor follower
        on each partner (the import itself is the record of who imported what).

        What ``create()`` runs is known method by method (``REPRODUCED_OVERRIDES``): when an
        installed module overrides one of them and is not listed, or changes how one of the
        fields above is computed, the rows are created through ``create()`` instead, by
        batches of ``ORM_BATCH`` (:meth:`_create`), with the same checks before, the same
        events and the same answer per row.
        """
        self._create_names(rows)
        if self.unreproduced_overrides():
            written = []
            for start in range(0, len(rows), self.ORM_BATCH):
                written += self._write_batch(rows[start : start + self.ORM_BATCH], self._create)
        else:
            written = self._write_batch(rows, self._insert)
        owned = [row.result.partner_id for row in written if self.assign_to_me]
        if owned:
            self.env["res.partner"]._crm_refresh_schedule(ids=owned)
        self.env.invalidate_all()

    def _refresh_statistics(self):
        """Refresh the planner's statistics of the tables an import fills once it doubled them.

        PostgreSQL plans the duplicate lookup and the foreign key checks of the inserts from
        the statistics of res_partner. An import into a small table soon makes them wrong
        (plans for a few rows, scans of a table grown a hundredfold) until autovacuum runs,
        which is after the commit at best. ANALYZE samples a bounded number of rows and runs
        a few times per import at most (each time the table doubled).
        """
        cr = self.env.cr
        if self._analyzed_size is None:
            cr.execute(SQL("SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = 'res_partner'::regclass"))
            self._analyzed_size = cr.fetchone()[0]
        if self._inserted <= max(self._analyzed_size, self.CHUNK):
            return
        self.env.flush_all()
        cr.execute(SQL("ANALYZE res_partner, crm_partner_event"))
        cr.execute(SQL("SELECT reltuples FROM pg_class WHERE oid = 'res_partner'::regclass"))
        self._analyzed_size = cr.fetchone()[0]
        self._inserted = 0

    def _write_batch(self, rows, write):
        """Write ``rows`` with ``write`` (:meth:`_insert` or :meth:`_create`) in a savepoint;
        when a constraint refuses one, write each half again.

        :return: the rows written
        """
        try:
            with self.env.cr.savepoint():
                write(rows)
            return rows
        except AccessError:
            raise  # the importer's rights: the whole import stops
        except (UserError, RedirectWarning) as error:
            # a Python constraint (ValidationError), or a refusal by create() of some module (the
            # duplicate check of a customer created by someone else meanwhile, say)
            for row in rows:
                row.result.partner_id = row.contact_id = 0
            if len(rows) == 1:
                row = rows[0]
                row.errors.append(str(error.args[0]))
                self._forget(row)
                self._conclude(row)
                return []
            half = len(rows) // 2
            return self._write_batch(rows[:half], write) + self._write_batch(rows[half:], write)

    def _forget(self, row):
        """A row refused after it was counted no longer counts as seen nor as owned."""
        self._owned_rows.discard(row.number)
        for kind, keys in row.keys.items():
            for key in keys:
                if self._seen.get((kind, key)) == row.number:
                    del self._seen[kind, key]

    def _create_names(self, rows):
        """Create the tags, industries and sources of ``rows`` that do not exist yet, once each,
        through the ORM and with the importer's rights."""
        for target, model in NAMED_MODELS.items():
            known = self._named[target]
            if not self._may_create.get(target):
                continue
            missing = {}
            for row in rows:
                for name in row.names(target):
                    if not known.get(name.lower()):
                        missing.setdefault(name.lower(), name)
            if missing:
                records = self.env[model].create([{"name": name} for name in missing.values()])
                for lower, record in zip(missing, records, strict=True):
                    known[lower] = record.id

    def _insert(self, rows):
        """Insert the partners of ``rows`` and their contacts, tags and events."""
        env = self.env
        Partner = env["res.partner"]
        contacts = [row for row in rows if row.contact]
        env.cr.execute(
            SQL("SELECT nextval('res_partner_id_seq') FROM generate_series(1, %s)", len(rows) + len(contacts))
        )
        ids = [record_id for (record_id,) in env.cr.fetchall()]
        for row, record_id in zip(rows, ids, strict=False):
            row.result.partner_id = record_id
        for row, record_id in zip(contacts, ids[len(rows) :], strict=True):
            row.contact_id = record_id
        now = fields.Datetime.now()
        stamp = {
            "create_uid": env.uid,
            "write_uid": env.uid,
            "create_date": env.cr.now(),
            "write_date": env.cr.now(),
        }
        customers = []
        contact_values = []
        for row in rows:
            customer = self._partner_values(row, now)
            customers.append(dict(customer, **stamp))
            if row.contact:
                contact_values.append(dict(self._contact_values(row, customer), **stamp))
        # the stored computed fields of other modules: computed by the ORM, on new records holding
        # the row's values (as a form computes them), and inserted with the row (updating rows
        # just inserted costs more than inserting them). A contact takes its company's value of
        # those that only depend on what it takes from its company (its address and commercial
        # fields); the others are computed for the contacts once their companies exist.
        written = {
            name for vals in customers + contact_values for name, value in vals.items() if value is not None
        }
        others = self._other_computed_fields(written)
        self._compute_others(others, customers)
        columns = set(insert_rows(Partner, customers))
        self._insert_tags(rows)
        if contact_values:
            inherited = self._same_as_company(others)
            by_id = {vals["id"]: vals for vals in customers}
            for vals in contact_values:
                company = by_id[vals["parent_id"]]
                vals.update({other.name: company[other.name] for other in inherited})
            self._compute_others([other for other in others if other not in inherited], contact_values)
            columns.update(insert_rows(Partner, contact_values))
        self._inserted += len(customers) + len(contact_values)
        inserted = customers + contact_values
        partners = Partner.browse([vals["id"] for vals in inserted])
        # as create() does, the new records are read from the values just written: the checks
        # that follow read them from the cache, not from the database
        self._cache_inserted(partners, inserted)
        # what create() checks on the new records: record rules and Python constraints
        self._check_create_rules(partners)
        # sudo: the constraints only read the rows just inserted, whose create rules were checked
        # above, and return nothing but their error; as the importer, every read of them would
        # also evaluate the read rules of res.partner (subqueries on orders, invoices and leads),
        # which took half of the import's time on a database with a sales history
        self._validate(
            partners.sudo(), {*columns, "category_id", *(other.name for other in others)}, customers
        )
        self._insert_events(rows, now)

    def _create(self, rows):
        """Create the partners of ``rows`` and their contacts through ``create()``, as the
        importer: what other modules do on creation happens, their checks included. The
        values are those the fast path writes (:meth:`_partner_values`), given as a form gives
        them; the timeline of each customer holds its import event, as on the fast path."""
        env = self.env
        now = fields.Datetime.now()
        # without the default_* keys of the wizard's screen, as _defaults(); no chatter message
        # nor follower on each partner, as on the fast path
        context = {key: value for key, value in env.context.items() if not key.startswith("default_")}
        Partner = env(context=dict(context, tracking_disable=True))["res.partner"]
        partners = Partner.create([self._create_values(row, now) for row in rows])
        for row, partner in zip(rows, partners, strict=True):
            row.result.partner_id = partner.id
            row.contact_id = partner.child_ids[:1].id
        self._inserted += len(partners) + len(partners.child_ids)
        # create() of crm_lifecycle logs the entry of each customer in its stage (and its
        # assignment to the importer): the import event says both, as on the fast path
        # sudo: the events create() wrote a moment ago on these new partners, as the system
        Events = env["crm.partner.event"].sudo()
        Events.search(
            [
                ("partner_id", "in", partners.ids),
                ("event_type", "in", ("stage", "assign")),
                ("trigger", "=", "manual"),
            ]
        ).unlink()
        env.flush_all()
        self._insert_events(rows, now)

    def _create_values(self, row, now):
        """The values of ``create()`` for the customer of ``row`` and its contact: those of the
        fast path that are no computed field, every field the row may give included, empty or not
        (an empty cell empties the field's default, as on the fast path)."""
        owner = self.env.uid if self.assign_to_me else False
        tags = self._named["tags"]
        values = {
            "name": row.name,
            "is_company": True,
            "type": "contact",
            "phone": row.phone or False,
            "mobile": row.mobile or False,
            "email": row.email or False,
            "vat": row.vat or False,
            "street": row.street or False,
            "city": row.city or False,
            "state_id": row.state_id or False,
            "country_id": row.country_id or False,
            "website": row.website or False,
            "industry_id": self._named["industry"].get(row.industry.lower()) or False,
            "crm_source_id": self._named["source"].get(row.source.lower()) or False,
            "comment": plaintext2html(row.comment) if row.comment else False,
            "category_id": [Command.set([tags[tag.lower()] for tag in row.tags if tags.get(tag.lower())])],
            "customer_rank": 1,
            "lifecycle_stage_id": self._stage_id(),
            "lifecycle_stage_date": now,
            "crm_pool_id": self.pool.id,
            # the ownership bookkeeping (state, since) is create()'s to write, never the caller's
            "user_id": owner,
        }
        if row.contact:
            values["child_ids"] = [
                Command.create(
                    {"name": row.contact, "is_company": False, "type": "contact", "customer_rank": 1}
                )
            ]
        return values

    def _validate(self, partners, names, customers):
        """The Python constraints of res.partner on the fields ``names`` of the new ``partners``,
        as create() runs them, but for the cycle check of the hierarchy when it holds by
        construction: the new customers (``customers``, their columns) have no parent and each
        new contact's parent is one of them.

        That check (base's ``_check_parent_id``) is a recursive query planned from the
        statistics of res_partner: on a table where few partners have a parent, PostgreSQL
        scans every contact of the table for each id of the chunk, and an import of 50,000
        rows spent 39 s there, more than on everything else.
        """
        acyclic = not any(vals.get("parent_id") for vals in customers)
        # the loop of BaseModel._validate_fields, less that one check
        for check in partners._constraint_methods:
            if names.isdisjoint(check._constrains) or (acyclic and check.__name__ == CYCLE_CHECK):
                continue
            check(partners)

    def _same_as_company(self, computed_fields):
        """The ``computed_fields`` whose value for a contact is its company's: every field they
        depend on is one the contact takes from its company (its address and commercial
        fields), or another of these fields."""
        Partner = self.env["res.partner"]
        synced = set(self._synced_fields())
        same = set()
        pending = {computed.name: computed for computed in computed_fields}
        changed = True
        while changed:  # a field may depend on another one of the list (peppol endpoint on its EAS)
            changed = False
            for name, computed in list(pending.items()):
                if all(
                    self._taken_from_company(path.split(".")[0], name, synced | same)
                    for path in computed.get_depends(Partner)[0]
                ):
                    same.add(name)
                    del pending[name]
                    changed = True
        return [computed for computed in computed_fields if computed.name in same]

    def _taken_from_company(self, name, computed_name, synced):
        dependency = self.env["res.partner"]._fields.get(name)
        return (
            name == computed_name
            or name in synced
            or bool(dependency and dependency.related and dependency.related.split(".")[0] in synced)
        )

    def _compute_others(self, others, values_list):
        """Put in each of ``values_list`` (columns of new partners) its value of the computed
        fields ``others``: the ORM computes them at once for all, on new records of the values."""
        if not others or not values_list:
            return
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        # only what the fields depend on (new records of every column cost as much as the
        # computations), without the columns naming the partners themselves, which do not exist yet
        needed = sorted(self._dependencies(others) - {*LOG_FIELDS, "commercial_partner_id"})
        # one new record per distinct combination of those values (rows without VAT share theirs)
        groups = {}
        for vals in values_list:
            key = repr([vals.get(name) for name in needed])
            groups.setdefault(key, []).append(vals)
        records = Partner.concat(
            *(
                Partner.new({name: group[0][name] for name in needed if group[0].get(name) is not None})
                for group in groups.values()
            )
        )
        for other in others:
            records.mapped(other.name)  # computes the field for every record at once
            for group, record in zip(groups.values(), records, strict=True):
                value = other.convert_to_column_insert(
                    other.convert_to_write(record[other.name], record), record
                )
                for vals in group:
                    vals[other.name] = value

    def _dependencies(self, computed_fields):
        """The fields of res.partner that ``computed_fields`` depend on, directly or through
        other computed or related fields."""
        Partner = self.env["res.partner"]
        needed = set()
        pending = list(computed_fields)
        while pending:
            for path in pending.pop().get_depends(Partner)[0]:
                name = path.split(".")[0]
                if name not in needed:
                    needed.add(name)
                    if Partner._fields[name].compute:  # computed and related fields alike
                        pending.append(Partner._fields[name])
        return needed

    def _check_create_rules(self, partners):
        """The importer's create record rules on the new ``partners``, as create() checks them
        (``check_access``), once per distinct combination of the fields the rules read: a
        rule's verdict on a record depends on those fields only. When one refuses,
        ``check_access`` on every partner raises Odoo's own message naming them."""
        domain = self.env["ir.rule"]._compute_domain(partners._name, "create") if not self.env.su else None
        if not domain:
            return
        names = sorted(
            {
                leaf[0].split(".")[0]
                for leaf in domain
                if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str)
            }
        )
        samples = {}
        for partner in partners:
            samples.setdefault(tuple(partner[name] for name in names), partner.id)
        if not partners.browse(list(samples.values())).has_access("create"):
            partners.check_access("create")

    def _cache_inserted(self, partners, values_list):
        """Put the columns of the ``partners`` just inserted (``values_list``, in the same order)
        into the ORM cache, as the database returns them; a column not written is NULL."""
        cache = self.env.cache
        for name, column in partners._fields.items():
            if not column.store or column.column_type is None or column.column_type[0] in ("jsonb", "bytea"):
                continue  # translated, company-dependent, JSON and binary columns: read if needed
            cache.insert_missing(partners, column, [vals.get(name) for vals in values_list])

    def _partner_values(self, row, now):
        """The columns of the customer of ``row``, computed as create() and the compute methods do."""
        env = self.env
        owner = env.uid if self.assign_to_me else None
        partner_id = row.result.partner_id
        country = self._reference["countries"].get(row.country_id, {})
        values = dict(self._defaults())
        values.update(
            {
                "id": partner_id,
                "name": row.name,
                "is_company": True,
                "type": "contact",
                "active": True,
                "phone": row.phone or None,
                "mobile": row.mobile or None,
                "email": row.email or None,
                "vat": row.vat or None,
                "street": row.street or None,
                "city": row.city or None,
                "state_id": row.state_id,
                "country_id": row.country_id,
                "website": row.website or None,
                "industry_id": self._named["industry"].get(row.industry.lower()) or None,
                "crm_source_id": self._named["source"].get(row.source.lower()) or None,
                "comment": self._comment(row.comment),
                # customers of the Customers screens (account: the customer search mode)
                "customer_rank": 1,
                "lifecycle_stage_id": self._stage_id(),
                "lifecycle_stage_date": now,
                "crm_pool_state": "owned" if owner else "pool",
                "crm_pool_id": self.pool.id,
                "user_id": owner,
                "owner_since": now if owner else None,
                "crm_team_id": (env.user.sale_team_id.id or None) if owner else None,
                # stored computed fields: crm.duplicate.mixin (keys of _parse), base, mail, sms
                **row.key_columns,
                "complete_name": row.name,
                "commercial_partner_id": partner_id,
                "commercial_company_name": row.name,
                "email_normalized": row.email_normalized,
                "phone_sanitized": self._phone_sanitized(row, country),
                "partner_share": True,
            }
        )
        return values

    def _comment(self, text):
        """The notes of a row as ``comment`` stores them: in HTML, sanitized as the field
        sanitizes what create() writes. Sanitizing takes about a millisecond: once per text."""
        if not text:
            return None
        if text not in self._comments:
            Partner = self.env["res.partner"]
            self._comments[text] = Partner._fields["comment"].convert_to_column_insert(
                plaintext2html(text), Partner
            )
        return self._comments[text]

    def _contact_values(self, row, customer):
        """The columns of the contact person of ``row``: a person of the ``customer`` (its
        columns), taking its address and commercial fields (base: ``_fields_sync``), its
        salesperson (``_compute_user_id``) and so its VAT key."""
        values = dict(self._defaults())
        values.update({name: customer[name] for name in self._synced_fields() if name in customer})
        values.update(
            {
                "id": row.contact_id,
                "name": row.contact,
                "is_company": False,
                "type": "contact",
                "active": True,
                "parent_id": customer["id"],
                "user_id": customer["user_id"],
                "crm_vat_key": customer["crm_vat_key"],
                "complete_name": f"{row.name}, {row.contact}",
                "commercial_partner_id": customer["id"],
                "commercial_company_name": row.name,
                "customer_rank": customer["customer_rank"],
                "partner_share": True,
            }
        )
        return values

    def _phone_sanitized(self, row, country):
        """The first of mobile and phone in E.164, as ``mail.thread.phone`` computes it: with the
        partner's country, else the company's."""
        if not (row.mobile or row.phone):
            return None
        if not country:
            country = self._reference["countries"].get(self._home_country_id, {})
        for number in (row.mobile, row.phone):
            if number:
                try:
                    return phone_validation.phone_format(
                        number,
                        country.get("code") or False,
                        country.get("phone_code") or 0,
                        force_format="E164",
                        raise_exception=True,
                    )
                except UserError:
                    continue
        return None

    def _insert_tags(self, rows):
        """The tags of the new customers: each pair once, written with COPY."""
        category = self.env["res.partner"]._fields["category_id"]
        tags = self._named["tags"]
        links = {
            (row.result.partner_id, tags[tag.lower()])
            for row in rows
            for tag in row.tags
            if tags.get(tag.lower())
        }
        if links:
            copy_rows(self.env.cr, category.relation, [category.column1, category.column2], sorted(links))

    def _insert_events(self, rows, now):
        """One ``import`` event per customer: the timeline is written by the system."""
        env = self.env
        owner = env.uid if self.assign_to_me else None
        company = self._defaults().get("company_id") or env.company.id
        document = {}
        if self.document:
            document = {
                "document_model": self.document._name,
                "document_id": self.document.id,
                "document_name": self.document.display_name,
            }
        stamp = {
            "create_uid": env.uid,
            "write_uid": env.uid,
            "create_date": env.cr.now(),
            "write_date": env.cr.now(),
        }
        # translated once: thousands of rows per chunk
        reason = env._("Imported from %(file)s, row %(row)s.")
        insert_rows(
            env["crm.partner.event"],
            [
                dict(
                    stamp,
                    partner_id=row.result.partner_id,
                    event_type="import",
                    trigger="import",
                    date=now,
                    user_id=env.uid,
                    to_user_id=owner,
                    to_stage_id=self._stage_id(),
                    reason=reason % {"file": self.filename, "row": row.number},
                    company_id=company,
                    pool_id=self.pool.id,
                    **document,
                )
                for row in rows
            ],
        )

    # ------------------------------------------------------------------
    # What every new partner shares
    # ------------------------------------------------------------------
    def _defaults(self):
        """The stored defaults of a new partner, read once with the importer's ``default_get``.

        Without the ``default_*`` keys of the context (those of the wizard's screen) and without
        company-dependent fields (their fallback is the default) nor relational lists.
        """
        if self._partner_defaults is None:
            context = {
                key: value for key, value in self.env.context.items() if not key.startswith("default_")
            }
            Partner = self.env(context=context)["res.partner"]
            names = [
                name
                for name, column in Partner._fields.items()
                if column.store
                and column.column_type
                and not column.company_dependent
                and name not in LOG_FIELDS
            ]
            self._partner_defaults = {
                name: Partner._fields[name].convert_to_column_insert(value, Partner)
                for name, value in Partner.default_get(names).items()
                if name in names
            }
        return self._partner_defaults

    def _synced_fields(self):
        """The fields a contact takes from its company (base: ``_fields_sync``)."""
        Partner = self.env["res.partner"]
        return [*Partner._address_fields(), *Partner._commercial_fields()]

    def _other_computed_fields(self, columns):
        """The stored computed fields of res.partner the engine leaves to the ORM: those of other
        modules, neither written (by a default) nor related to an empty field."""
        written = set(columns)
        others = []
        for name, column in self.env["res.partner"]._fields.items():
            if not (column.store and column.compute) or name in OWN_COMPUTED_FIELDS or name in written:
                continue
            if column.related and column.related.split(".")[0] not in written:
                continue
            others.append(column)
        return others

    def _stage_id(self):
        if self._pool_stage_id is None:
            self._pool_stage_id = self.env["crm.lifecycle.stage"]._get_by_code("pool").id
        return self._pool_stage_id


# a plain ASCII address, which email_normalize() would only put in lower case: most rows of a
# file; parsing each address as a mail header costs more than the rest of the row's checks
PLAIN_EMAIL = re.compile(r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")


def _email_normalized(email):
    """``email_normalize(email)``, with a short way for plain addresses."""
    if PLAIN_EMAIL.fullmatch(email):
        return email.lower()
    return email_normalize(email)


def _match_key(text):
    """How a country or state name, or code, is compared: no case, accents, spaces nor punctuation."""
    return "".join(normalize.words(text))


def unreproduced_overrides(model):
    """The code of installed modules that ``create()`` of ``model`` (res.partner) runs and the
    fast path of the import does not reproduce: ``{module: [method or attribute, ...]}``.

    The class of a model in the registry inherits one class per module extending it (and per
    model it inherits, the ``base`` model's extensions included), the ORM's own classes last:
    each method of ``REPRODUCED_OVERRIDES``, or compute method of a field of
    ``OWN_COMPUTED_FIELDS``, that one of them defines is the code of the module of its function
    (also when a module put it on the registry's class at run time), reported unless listed for
    that method; so is an attribute of ``NOT_REPRODUCED_ATTRIBUTES`` given by a module.
    """
    methods = dict(REPRODUCED_OVERRIDES)
    found = defaultdict(list)
    for name in OWN_COMPUTED_FIELDS:
        compute = model._fields[name].compute
        if isinstance(compute, str):
            methods.setdefault(compute, set())
        elif compute is not None:  # a function given by a module redefining the field
            found[_addon_name(compute) or "?"].append(f"{name} (compute)")
    for cls in type(model).__mro__:
        own = vars(cls)
        for name, reproduced in methods.items():
            module = _addon_name(own[name], cls) if name in own else None
            if module and module not in reproduced and name not in found[module]:
                found[module].append(name)
        for name in NOT_REPRODUCED_ATTRIBUTES:
            module = _addon_name(None, cls) if own.get(name) else None
            if module and name not in found[module]:
                found[module].append(name)
    return {module: names for module, names in found.items() if names}


def _addon_name(value, cls=None):
    """The addon of a function (``sale`` for ``odoo.addons.sale.models.res_partner``), else of
    the class ``cls`` defining a value; None for the ORM's own code (``odoo.models``)."""
    python_module = getattr(value, "__module__", None) or getattr(cls, "__module__", None) or ""
    parts = python_module.split(".")
    return parts[2] if parts[:2] == ["odoo", "addons"] and len(parts) > 2 else None


def insert_rows(model, values):
    """Insert ``values`` (a dict of columns per row) into the table of ``model`` with one
    ``COPY`` (PostgreSQL reads its text format faster than it unpacks parameter arrays).

    No ORM: the caller computes every column, and invalidates what it read of the table.

    :return: the columns written: the stored fields given a value in some row
    """
    names = set()
    for row in values:
        names.update(name for name, value in row.items() if value is not None)
    columns = [name for name, column in model._fields.items() if name in names and column.column_type]
    copy_rows(model.env.cr, model._table, columns, ([row.get(name) for name in columns] for row in values))
    return columns


def copy_rows(cr, table, columns, rows):
    """Insert ``rows`` (lists of values, in the order of ``columns``) into ``table`` with ``COPY``."""
    text = "\n".join(map(copy_line, rows))
    copy = SQL(
        "COPY %s (%s) FROM STDIN",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(name) for name in columns),
    )
    # as Odoo's own COPY (ir.model.data): no asynchronous wait callback during a COPY
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cr.copy_expert(copy.code, io.StringIO(text))
    finally:
        psycopg2.extensions.set_wait_callback(callback)
