"""The database writer: the connection, ``COPY`` in PostgreSQL's text format, and the
bulk mode that skips the foreign key checks, only in a generated or test database.

Skipping the checks (``SET session_replication_role = replica``) is safe for the rows
the generator writes (every id it writes was just read from the database), but it also
turns off every trigger of the session: in a database whose data matters, one wrong row
would go unnoticed. So the checks are skipped only in a database that is a generated or
test one, which means one of:

* its name starts with ``crm_test_``, ``crm_bench`` or ``crm_demo``
  (:data:`THROWAWAY_PREFIXES`): the databases ``make test``, ``make bench`` and
  ``make run`` make for this project;
* it carries the marker :data:`GENERATED_MARKER`, an ``ir.config_parameter`` that the
  generator writes itself when it first writes into a database that holds no customer data
  (no customer or CRM-managed partner, lead, sales order or customer invoice other than
  those of generated partners, ``ref = <prefix>-<index>``). Later runs into the same
  database, full of generated customers by then, recognise it by the marker. Delete the
  parameter to have the checks run again;
* the user said so: ``--i-know-this-is-a-copy``.

Anywhere else the checks stay on, the run goes on (only slower) and says why and what to
do. Without the superuser privilege, the checks stay on as well.
"""

import collections
import configparser
import datetime
import io

from .specs import (
    MARKER_PATTERN,
    PG_COPY_PATH,
    load_module,
)

PG_COPY = load_module("crm_lifecycle_pg_copy", PG_COPY_PATH)  # the COPY format of crm_lifecycle's import
THROWAWAY_PREFIXES = ("crm_test_", "crm_bench", "crm_demo")  # databases of make test, make bench, make run
GENERATED_MARKER = "crm_generate.generated"  # ir.config_parameter: the generator filled this database
# Customer data of a database, other than the generator's own (its partners' ref is a marker):
# one EXISTS per kind, each over the commercial partner ``c`` of the record.
CUSTOMER_DATA_QUERIES = (
    "SELECT 1 FROM res_partner p JOIN res_partner c ON c.id = COALESCE(p.commercial_partner_id, p.id)"
    " WHERE (p.customer_rank > 0 OR p.lifecycle_stage_id IS NOT NULL)",
    "SELECT 1 FROM crm_lead l LEFT JOIN res_partner p ON p.id = l.partner_id"
    " LEFT JOIN res_partner c ON c.id = COALESCE(p.commercial_partner_id, p.id) WHERE TRUE",
    "SELECT 1 FROM sale_order o JOIN res_partner p ON p.id = o.partner_id"
    " JOIN res_partner c ON c.id = COALESCE(p.commercial_partner_id, p.id) WHERE TRUE",
    "SELECT 1 FROM account_move m LEFT JOIN res_partner c ON c.id = m.commercial_partner_id"
    " WHERE m.move_type IN ('out_invoice', 'out_refund')",
)


def bulk_permission(dbname, marked, customer_data, copy_confirmed):
    """Why the foreign key checks may be skipped in the database ``dbname``, or None.

    :param marked: the database carries :data:`GENERATED_MARKER`
    :param customer_data: it holds customer data the generator did not write
    :param copy_confirmed: the user passed ``--i-know-this-is-a-copy``
    :return: ``(reason, write_marker)``, or None when the checks must stay on
    """
    if copy_confirmed:
        return "--i-know-this-is-a-copy", False
    if dbname.startswith(THROWAWAY_PREFIXES):
        return f"a project database ({dbname!r} starts with {' / '.join(THROWAWAY_PREFIXES)})", False
    if marked:
        return f"a generated database (it carries {GENERATED_MARKER})", False
    if not customer_data:
        return f"a database without customer data (marked {GENERATED_MARKER} from now on)", True
    return None


def refusal_message(dbname):
    """What the run says when it keeps the foreign key checks on in ``dbname``."""
    return (
        f"foreign key checks stay ON (the load is slower): {dbname!r} is not a generated or test "
        f"database. Its name does not start with {', '.join(THROWAWAY_PREFIXES)}, it has no "
        f"{GENERATED_MARKER} marker, and it holds customers, leads, orders or invoices this "
        "generator did not write. To load faster, generate into a database of its own (a new one, "
        "or one named crm_demo...), or, if this database is a copy you can afford to break, run "
        "again with --i-know-this-is-a-copy."
    )


def copy_text(value):
    """A value in PostgreSQL's COPY text format (datetimes to the second)."""
    if type(value) is datetime.datetime and value.microsecond:
        value = value.replace(microsecond=0)
    return PG_COPY.copy_text(value)


class Database:
    """The connection, read from Odoo's configuration file."""

    def __init__(self, config_path, dbname):
        import psycopg2  # the virtualenv's; imported here so the pure part needs none

        parser = configparser.ConfigParser(interpolation=None)
        if not parser.read(config_path):
            raise SystemExit(f"Cannot read the Odoo configuration file {config_path}.")
        options = parser["options"] if parser.has_section("options") else {}
        kwargs = {}
        for key in ("db_host", "db_port", "db_user", "db_password"):
            value = options.get(key)
            if value and value != "False":
                kwargs[key[3:]] = value
        self.connection = psycopg2.connect(dbname=dbname, **kwargs)
        self.cr = self.connection.cursor()
        self._columns = {}
        self.skip_checks = None  # bulk_mode's decision: whether the foreign keys go unchecked

    @classmethod
    def wrap(cls, connection):
        """A Database on an open psycopg2 ``connection`` (e.g. the one of an Odoo cursor, so
        that the ORM sees the rows written in the same transaction)."""
        db = cls.__new__(cls)
        db.connection = connection
        db.cr = connection.cursor()
        db._columns = {}
        db.skip_checks = None
        return db

    def commit(self):
        self.connection.commit()

    def close(self):
        self.connection.close()

    def fetchall(self, query, params=None):
        self.cr.execute(query, params)
        return self.cr.fetchall()

    def columns(self, table):
        """{column: (nullable, has_default)} of ``table``."""
        if table not in self._columns:
            rows = self.fetchall(
                "SELECT column_name, is_nullable = 'YES', column_default IS NOT NULL"
                "  FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            )
            self._columns[table] = {name: (nullable, default) for name, nullable, default in rows}
        return self._columns[table]

    def check_required(self, table, columns):
        """Fail clearly when ``table`` has a NOT NULL column without default we do not fill."""
        missing = [
            name
            for name, (nullable, default) in self.columns(table).items()
            if not nullable and not default and name not in columns and name != "id"
        ]
        if missing:
            raise SystemExit(
                f"{table} has NOT NULL columns this generator does not fill: {', '.join(sorted(missing))}. "
                "An addon added them: give them a value in data/crm_generate/."
            )

    def next_ids(self, table, count):
        """``count`` ids taken from the table's sequence (safe with concurrent inserts)."""
        rows = self.fetchall(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (table, count)
        )
        return [row[0] for row in rows]

    def copy_lines(self, table, columns, lines):
        """COPY ``lines`` (rows in COPY text format, without newline) into ``table``."""
        buffer = io.StringIO()
        buffer.writelines(line + "\n" for line in lines)
        buffer.seek(0)
        self.cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)

    def bulk_mode(self, copy_confirmed=False):
        """Skip the foreign key checks of the rows we write, in a generated or test database
        only (see :func:`bulk_permission`), as a superuser only.

        Safe there: every id the generator writes was just read from the database.
        Elsewhere, or without the privilege, the checks run and the load is only slower.
        Decided once per connection; the same answer for the history after the partners.

        :return: whether the checks are skipped
        """
        import psycopg2.errors

        if self.skip_checks is not None:
            return self.skip_checks
        self.commit()
        dbname = self.connection.get_dsn_parameters()["dbname"]
        marked = bool(self.fetchall("SELECT 1 FROM ir_config_parameter WHERE key = %s", (GENERATED_MARKER,)))
        customer_data = not marked and self.has_customer_data()
        permission = bulk_permission(dbname, marked, customer_data, copy_confirmed)
        if permission is None:
            say(refusal_message(dbname))
            self.skip_checks = False
            return False
        reason, write_marker = permission
        if write_marker:
            self.cr.execute(
                "INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)"
                " VALUES (%s, %s, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')"
                " ON CONFLICT (key) DO NOTHING",
                (
                    GENERATED_MARKER,
                    datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
                ),
            )
            self.commit()
        try:
            self.cr.execute("SET session_replication_role = replica")
        except psycopg2.errors.InsufficientPrivilege:
            self.connection.rollback()
            say("foreign key checks stay ON (the load is slower): skipping them takes a superuser.")
            self.skip_checks = False
            return False
        self.commit()
        say(f"foreign key checks skipped: {reason}")
        self.skip_checks = True
        return True

    def has_customer_data(self):
        """Whether the database holds customer data (a customer or CRM-managed partner, a lead,
        a sales order, a customer invoice) other than that of the generated partners."""
        generated = " AND (c.ref IS NULL OR c.ref !~ %(marker)s)"
        query = " UNION ALL ".join(f"(SELECT EXISTS ({q}{generated}))" for q in CUSTOMER_DATA_QUERIES)
        return any(row[0] for row in self.fetchall(query, {"marker": MARKER_PATTERN}))

    def xmlid(self, module, name):
        rows = self.fetchall(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s", (module, name)
        )
        return rows[0][0] if rows else None


def say(message):
    print(f"[generate] {message}", flush=True)


def pipelined(pool, function, jobs, ahead=2):
    """``map(function, jobs)`` in ``pool``, at most ``ahead`` results waiting: bounded memory."""
    pending = collections.deque()
    for job in jobs:
        pending.append(pool.apply_async(function, (job,)))
        if len(pending) > ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


NULL = PG_COPY.NULL


def id_text(value):
    return NULL if value is None else str(value)


def bool_text(value):
    return "t" if value else "f"


def json_text(value):
    import json  # noqa: PLC0415 (only the database part writes JSON)

    return json.dumps(value, ensure_ascii=False)
