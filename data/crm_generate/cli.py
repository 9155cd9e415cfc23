"""The command line of data/generate.py: its arguments, and :func:`main`, which writes the
partners, then their history, then the prospect list, in that order."""

import argparse
import datetime
import multiprocessing
import os
import time

from .care import generate_birthdays
from .database import (
    GENERATED_MARKER,
    THROWAWAY_PREFIXES,
    Database,
    say,
)
from .equipment import generate_equipment
from .history import generate_history
from .history_plan import (
    CREDIT_NOTE_SHARE,
    HISTORY_YEARS,
    INVOICE_LINES_PER_CUSTOMER,
    LATE_SHARE,
    LINES_PER_INVOICE,
)
from .history_rows import ANALYZED_HISTORY_TABLES
from .partners import (
    ANALYZED_TABLES,
    generate_partners,
)
from .prospects import (
    IMPORT_HEADERS,
    IMPORT_SLOT_SIZE,
    write_import_file,
)
from .service import CASE_DAYS, generate_cases
from .specs import (
    DEFAULT_PREFIX,
    RELEASED_SHARE,
    ExpiredCountError,
)

DESCRIPTION = "Fill an Odoo 18 database with the customers of a realistic company."


def share(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a share is a number between 0 and 1")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", required=True, help="Odoo configuration file (connection settings)")
    parser.add_argument("--database", required=True, help="database with crm_lifecycle installed")
    parser.add_argument("--partners", type=int, default=10_000, help="companies to add (default 10000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help="marker of the generated partners: ref = <prefix>-<index> (default GEN)",
    )
    parser.add_argument(
        "--duplicate-share",
        type=share,
        default=0.02,
        help="share of partners that are a second record of another one (default 0.02)",
    )
    parser.add_argument(
        "--expired-share",
        type=share,
        default=0.1,
        help="share of owned prospects whose owner claimed them months ago without contact since, "
        "due for release to the pool (default 0.1)",
    )
    parser.add_argument(
        "--expired",
        type=int,
        default=None,
        metavar="N",
        help="exactly N owned prospects past the release deadline of their pool's rules "
        "(no contact for longer than its no_contact_days + protection_days), the other owners "
        "safely within every limit; replaces --expired-share",
    )
    parser.add_argument(
        "--owned-share",
        type=share,
        default=None,
        help="share of the partners with an owner (default: by stage, from 45%% of the new "
        "prospects to 97%% of the customers); the others are in the pool",
    )
    parser.add_argument(
        "--released-share",
        type=share,
        default=RELEASED_SHARE,
        help=f"share of the partners in the pool that had an owner before, released by a rule "
        f"(default {RELEASED_SHARE})",
    )
    parser.add_argument(
        "--salespeople",
        type=int,
        default=8,
        help="owners: existing salespeople, then generated ones (default 8)",
    )
    parser.add_argument(
        "--history",
        action="store_true",
        help="also write the history of the generated partners that have none yet (of this run and "
        "earlier ones): leads, quotations, confirmed orders, posted invoices and credit notes, "
        "payments (some late, some still due), contact messages of their owners and planned "
        "activities; a customer's volume follows a Pareto spread, its dates the seasons",
    )
    parser.add_argument(
        "--history-years",
        type=int,
        default=HISTORY_YEARS,
        metavar="YEARS",
        help=f"documents of the last YEARS years (default {HISTORY_YEARS})",
    )
    parser.add_argument(
        "--invoice-lines",
        type=int,
        default=None,
        metavar="N",
        help=f"invoice lines (products sold) of all the customers of the history together "
        f"(default {INVOICE_LINES_PER_CUSTOMER} per customer)",
    )
    parser.add_argument(
        "--lines-per-invoice",
        type=float,
        default=LINES_PER_INVOICE,
        metavar="N",
        help=f"average lines of an invoice (default {LINES_PER_INVOICE})",
    )
    parser.add_argument(
        "--late-share",
        type=share,
        default=LATE_SHARE,
        help=f"share of the customers that pay their invoices late (default {LATE_SHARE})",
    )
    parser.add_argument(
        "--credit-note-share",
        type=share,
        default=CREDIT_NOTE_SHARE,
        help=f"share of the invoices followed by a credit note (default {CREDIT_NOTE_SHARE})",
    )
    parser.add_argument(
        "--birthdays",
        type=share,
        default=0.0,
        metavar="SHARE",
        help="share of the generated partners given a birthday (crm_service's crm_birthday, read by "
        "its birthday care rules); partners that have one keep it (default 0: none)",
    )
    parser.add_argument(
        "--import-file",
        metavar="PATH",
        default=None,
        help="also write a prospect list to import (.xlsx, English headers: "
        + ", ".join(IMPORT_HEADERS)
        + "), after the partners; with --partners 0, only the file",
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=1000,
        metavar="N",
        help="rows of the prospect list (default 1000)",
    )
    parser.add_argument(
        "--import-duplicates",
        type=share,
        default=0.1,
        metavar="SHARE",
        help="share of the prospect list's rows that are customers already in the database (same "
        "phone, e-mail or VAT number, name spelt differently); the others are new companies that "
        "match nothing in the database nor each other (default 0.1)",
    )
    parser.add_argument(
        "--cases",
        type=int,
        default=0,
        help="open service cases of crm_service to add for the generated companies, with their "
        "running SLA lines (deadlines left to crm_service's engine; see crm_generate/service.py) "
        "(default 0)",
    )
    parser.add_argument(
        "--case-team",
        default=None,
        help="name of the service team of the cases (default: the first desk team)",
    )
    parser.add_argument(
        "--case-policy",
        default=None,
        help="name of the SLA policy of the cases (default: the first active one)",
    )
    parser.add_argument(
        "--case-days",
        type=int,
        default=CASE_DAYS,
        help=f"the cases were opened over this many days before --today (default {CASE_DAYS})",
    )
    parser.add_argument(
        "--equipment",
        type=int,
        default=0,
        help="equipment to install at the customer companies, with their last preventive visits "
        "(needs crm_service and a product tracked at customers with a maintenance plan; default 0)",
    )
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        default=None,
        help="date the data is generated for, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument(
        "--i-know-this-is-a-copy",
        action="store_true",
        help="skip the foreign key checks of the rows written (faster) even though the database is "
        f"not a generated or test one: its name does not start with {', '.join(THROWAWAY_PREFIXES)} "
        f"and it has no {GENERATED_MARKER} marker (written by the generator on its first run into a "
        "database without customers). Only for a copy you can afford to break",
    )
    args = parser.parse_args(argv)
    if not args.prefix.replace("_", "").isalnum():
        parser.error("--prefix takes letters, digits and underscores only")
    if args.partners < 0 or args.salespeople < 0:
        parser.error("--partners and --salespeople are counts: 0 or more")
    if args.expired is not None and not 0 <= args.expired <= args.partners:
        parser.error("--expired counts partners: between 0 and --partners")
    if args.history_years < 1 or (args.invoice_lines is not None and args.invoice_lines < 0):
        parser.error("--history-years is at least 1, --invoice-lines a count")
    if args.lines_per_invoice < 1:
        parser.error("--lines-per-invoice is at least 1")
    if args.cases < 0 or args.case_days < 1:
        parser.error("--cases is a count, --case-days at least 1")
    if not 0 < args.import_rows <= IMPORT_SLOT_SIZE:
        parser.error(f"--import-rows counts rows: between 1 and {IMPORT_SLOT_SIZE}")
    return args


def main(argv=None):
    args = parse_args(argv)
    today = args.today or datetime.datetime.now(datetime.timezone.utc).date()
    now = datetime.datetime.combine(today, datetime.time(12, 0))
    began = time.monotonic()
    # one process builds the rows while this one writes them (PostgreSQL takes the other core);
    # made before connecting, so that it inherits no connection
    pool = multiprocessing.get_context("fork").Pool(1) if (os.cpu_count() or 1) > 1 else None
    db = Database(args.config, args.database)
    try:
        analyzed = []
        if args.partners:
            try:
                generate_partners(db, args, now, pool)
            except ExpiredCountError as exc:  # more expired owners asked than the partners allow
                raise SystemExit(f"[generate] {exc}") from exc
            analyzed += ANALYZED_TABLES
        if args.history:
            generate_history(db, args, now, pool)
            analyzed += ANALYZED_HISTORY_TABLES
        if args.cases:
            generate_cases(db, args, now)
            analyzed += ["crm_complaint", "crm_complaint_sla_line"]
        if args.equipment > 0:
            generate_equipment(db, args.equipment, today, seed=args.seed)
            db.commit()
            analyzed += ["crm_equipment", "crm_service_visit"]
        if args.birthdays:
            generate_birthdays(db, args)
        if analyzed:
            db.commit()
            db.connection.autocommit = True
            for table in analyzed:
                db.cr.execute(f"ANALYZE {table}")
        if args.import_file:
            write_import_file(db, args)
    finally:
        db.close()
        if pool:
            pool.terminate()
    say(f"done in {time.monotonic() - began:.1f}s")
    return 0
