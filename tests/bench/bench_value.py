#!/usr/bin/env python3
"""Benchmark of the customer value recompute of crm_value, on invoices made by data/generate.py.

Run by ``make bench`` (see README.md, "Benchmarks"), or by hand::

    python tests/bench/bench_value.py --config .devenv/odoo-bench.conf --database crm_bench_x

Not a test: it prints its figures next to a baseline measured in the same run, and
whether each target is met (exit status 1 when one is missed).

The recompute and the incremental run commit, so they run in a database of its own: a
template with the addons installed without demo data (``<database>_value_tpl``, installed
once), copied and filled by ``data/generate.py --history`` with ``--partners``
(``BENCH_VALUE_PARTNERS``, default 100,000) and ``--invoice-lines``
(``BENCH_VALUE_LINES``, default 2,000,000). Both are dropped at the end unless ``--keep``
(or ``BENCH_DB``, the database ``make bench`` keeps) is set; a kept template is reused.

1. Full recompute: ``crm.value.score._recompute(full=True)`` as superuser, every company,
   committed, against a bare ``SELECT commercial_partner_id, SUM(-balance) ... GROUP BY``
   of the same invoice lines (posted customer invoices and credit notes, product lines, the
   recompute's date window) into a temporary table, in the same run. Target: at most 2x.
2. The same against a per-partner ORM loop in the style of OCA partner_profit_segmentation
   (for each partner, search its invoice lines, sum the revenue, and the cost from the
   product's current ``standard_price``), timed on a sample of ``--sample`` customers
   (``BENCH_VALUE_SAMPLE``, default 500) and scaled to every customer. Target: the recompute
   at least 20x faster.
3. Incremental: every journal entry is first dated back a day at least (the generator stamps
   today's documents at their hour, some after now: as the daily run finds them, written
   before its last run); ``--changed`` customers (``BENCH_VALUE_CHANGED``, default 1,000) get a new
   posted invoice dated today (a copy, in SQL, of their latest invoice with its journal
   items and sale-line links, written now, so the recompute sees it as changed since its
   last run), then ``crm.value.score._recompute()`` once. Target: under 3 s.
4. Customer list: ``res.partner.web_search_read`` of 80 customers as the administrator
   (not superuser: record rules apply), with the fields of the partner list view, plus
   crm_value's ``crm_value_*`` partner fields when the addon has them, else plus a
   ``crm.value.score.search_read`` of the 80 partners' scores (what a list showing them
   reads); against the same list without them. Medians of ``--list-runs`` calls each.
   Target: at most 1.2x.

Queries are counted per measured step; memory is the peak resident size of this process
(``resource.getrusage``) after each step (PostgreSQL's own memory is not in it).
"""

import datetime
import os
import statistics
import sys

from benchlib import (
    Step,
    add_count,
    add_template_options,
    filled_database,
    make_parser,
    peak_mb,
    run_generator,
    say,
    verdict,
)

DEFAULT_PARTNERS = 100_000
DEFAULT_LINES = 2_000_000
DEFAULT_SAMPLE = 500
DEFAULT_CHANGED = 1_000
DEFAULT_LIST_RUNS = 20
LIST_LIMIT = 80
LIST_WARMUP = 3
TARGET_FULL_RATIO = 2.0
TARGET_LOOP_SPEEDUP = 20.0
TARGET_INCREMENTAL_SECONDS = 3.0
TARGET_LIST_RATIO = 1.2
SEED = 42
SCORE_LIST_FIELDS = [
    "partner_id",
    "abc_class",
    "churn_state",
    "rfm_segment",
    "development_index",
    "benefit_index",
    "clv",
    "revenue_period",
    "margin_period",
]


# ---------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------


def generate(config, dbname, partners, lines):
    """``partners`` generated partners and ``lines`` invoice lines of history (data/generate.py)."""
    options = ("--partners", str(partners), "--history", "--invoice-lines", str(lines), "--seed", str(SEED))
    run_generator(config, dbname, options, "the partners and their history")


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------


def invoice_line_filter(alias_line="aml", alias_move="am"):
    return (
        f"{alias_line}.parent_state = 'posted' AND {alias_line}.display_type = 'product'"
        f" AND {alias_move}.move_type IN ('out_invoice', 'out_refund')"
    )


def date_from_of(env, company):
    """First day of the invoice lines the recompute reads (its own window)."""
    windows = env["crm.value.score"]._crm_value_windows(company, datetime.date.today())
    return min(windows["history_from"], windows["previous_from"]) + datetime.timedelta(days=1)


def bare_sum(cr, companies):
    """The baseline: revenue per commercial partner of the same lines, in one GROUP BY per company,
    into a temporary table (the recompute writes its results too), committed."""
    from odoo.tools import SQL

    with Step() as step:
        cr.execute("DROP TABLE IF EXISTS bench_value_bare")
        cr.execute(
            "CREATE TEMPORARY TABLE bench_value_bare (company_id int, partner_id int, revenue numeric)"
        )
        for company, date_from in companies:
            cr.execute(
                SQL(
                    f"""
                    INSERT INTO bench_value_bare
                    SELECT aml.company_id, partner.commercial_partner_id, SUM(-aml.balance)
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                      JOIN res_partner partner ON partner.id = am.partner_id
                     WHERE aml.company_id = %s AND am.invoice_date >= %s
                       AND {invoice_line_filter()}
                  GROUP BY aml.company_id, partner.commercial_partner_id
                    """,
                    company,
                    date_from,
                )
            )
        cr.commit()
    cr.execute("SELECT count(*), COALESCE(SUM(revenue), 0) FROM bench_value_bare")
    step.partners, step.revenue = cr.fetchone()
    cr.execute("DROP TABLE bench_value_bare")
    cr.commit()
    return step


def line_counts(cr, companies):
    lines = 0
    for company, date_from in companies:
        cr.execute(
            f"""
            SELECT count(*) FROM account_move_line aml JOIN account_move am ON am.id = aml.move_id
             WHERE aml.company_id = %s AND am.invoice_date >= %s AND {invoice_line_filter()}
            """,
            (company, date_from),
        )
        lines += cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM account_move_line")
    return lines, cr.fetchone()[0]


def settle_moves(cr):
    """Date every journal entry's last write a day back at the latest, as a daily recompute finds
    them: data/generate.py stamps the documents of today at their hour of the day, some of
    them hours after now, and the incremental run re-reads the partners of entries written
    since its last run (minus a margin), which would be most of the big customers here."""
    cr.execute(
        """
        UPDATE account_move SET write_date = (now() at time zone 'UTC') - interval '1 day'
         WHERE write_date > (now() at time zone 'UTC') - interval '1 day'
        """
    )
    settled = cr.rowcount
    cr.commit()
    return settled


def full_recompute(env):
    companies = env["res.company"].search([])  # pylint: disable=no-search-all (a few companies)
    with Step() as step:
        env["crm.value.score"]._recompute(full=True, companies=companies)
        env.cr.commit()
    env.cr.execute("SELECT count(*), COALESCE(SUM(revenue_total), 0) FROM crm_value_score")
    step.scores, step.revenue = env.cr.fetchone()
    env.cr.execute("SELECT count(*) FROM crm_value_purchase_day")
    step.days = env.cr.fetchone()[0]
    return step


def customers_with_lines(cr, company, date_from, limit=None):
    """Commercial partners with posted product lines in the window, in a fixed pseudo-random order."""
    cr.execute(
        f"""
        SELECT partner.commercial_partner_id
          FROM account_move_line aml
          JOIN account_move am ON am.id = aml.move_id
          JOIN res_partner partner ON partner.id = am.partner_id
         WHERE aml.company_id = %s AND am.invoice_date >= %s AND {invoice_line_filter()}
      GROUP BY partner.commercial_partner_id
      ORDER BY md5(partner.commercial_partner_id::text)
        """
        + (" LIMIT %s" if limit else ""),
        (company, date_from, limit) if limit else (company, date_from),
    )
    return [row[0] for row in cr.fetchall()]


def orm_loop(env, company, date_from, partner_ids):
    """The per-partner way (OCA partner_profit_segmentation): a search of each partner's invoice
    lines, revenue summed and cost taken from the product's current standard price."""
    env.invalidate_all()
    Line = env["account.move.line"].with_company(company)
    results = {}
    with Step() as step:
        for partner_id in partner_ids:
            lines = Line.search(
                [
                    ("company_id", "=", company),
                    ("parent_state", "=", "posted"),
                    ("display_type", "=", "product"),
                    ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                    ("move_id.invoice_date", ">=", date_from),
                    ("move_id.partner_id.commercial_partner_id", "=", partner_id),
                ]
            )
            revenue = cost = 0.0
            for line in lines:
                revenue -= line.balance
                sign = -1 if line.move_id.move_type == "out_refund" else 1
                cost += sign * line.quantity * line.product_id.standard_price
            results[partner_id] = (revenue, revenue - cost)
    step.partners = len(results)
    return step


def add_invoices(cr, company, partner_ids):
    """A new posted invoice dated today for each partner: a copy of its latest posted customer
    invoice (move, journal items, links to the sale lines), written now. Committed."""
    today = datetime.date.today()

    def columns(table, skip):
        cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in cr.fetchall() if row[0] not in skip]

    cr.execute("DROP TABLE IF EXISTS bench_value_moves; DROP TABLE IF EXISTS bench_value_lines")
    cr.execute(
        """
        CREATE TEMPORARY TABLE bench_value_moves AS
        SELECT old_id, nextval('account_move_id_seq') AS new_id
          FROM (SELECT DISTINCT ON (partner.commercial_partner_id) am.id AS old_id
                  FROM account_move am JOIN res_partner partner ON partner.id = am.partner_id
                 WHERE am.company_id = %s AND am.state = 'posted' AND am.move_type = 'out_invoice'
                   AND partner.commercial_partner_id = ANY(%s)
              ORDER BY partner.commercial_partner_id, am.invoice_date DESC, am.id DESC) latest
        """,
        (company, list(partner_ids)),
    )
    moves = cr.rowcount
    move_overrides = {
        "name": "'BENCH/' || src.new_id",
        "date": "%(today)s",
        "invoice_date": "%(today)s",
        "invoice_date_due": "%(today)s",
        "payment_state": "'not_paid'",
        "amount_residual": "m.amount_total",
        "amount_residual_signed": "m.amount_total_signed",
        "create_date": "now() at time zone 'UTC'",
        "write_date": "now() at time zone 'UTC'",
    }
    move_columns = columns("account_move", {"id"})
    cr.execute(
        f"""
        INSERT INTO account_move (id, {", ".join(move_columns)})
        SELECT src.new_id, {", ".join(move_overrides.get(c, f"m.{c}") for c in move_columns)}
          FROM account_move m JOIN bench_value_moves src ON src.old_id = m.id
        """,
        {"today": today},
    )
    cr.execute(
        """
        CREATE TEMPORARY TABLE bench_value_lines AS
        SELECT aml.id AS old_id, nextval('account_move_line_id_seq') AS new_id, src.new_id AS move_id
          FROM account_move_line aml JOIN bench_value_moves src ON src.old_id = aml.move_id
        """
    )
    lines = cr.rowcount
    line_columns = [c for c in columns("account_move_line", {"id"}) if c != "move_id"]
    line_overrides = {
        "move_name": "'BENCH/' || src.move_id",
        "date": "%(today)s",
        "invoice_date": "%(today)s",
        "date_maturity": "CASE WHEN l.date_maturity IS NOT NULL THEN %(today)s::date END",
        "full_reconcile_id": "NULL",
        "matching_number": "NULL",
        "reconciled": "FALSE",
        "amount_residual": "CASE WHEN l.display_type = 'payment_term' THEN l.balance ELSE 0 END",
        "amount_residual_currency": (
            "CASE WHEN l.display_type = 'payment_term' THEN l.amount_currency ELSE 0 END"
        ),
        "create_date": "now() at time zone 'UTC'",
        "write_date": "now() at time zone 'UTC'",
    }
    cr.execute(
        f"""
        INSERT INTO account_move_line (id, move_id, {", ".join(line_columns)})
        SELECT src.new_id, src.move_id, {", ".join(line_overrides.get(c, f"l.{c}") for c in line_columns)}
          FROM account_move_line l JOIN bench_value_lines src ON src.old_id = l.id
        """,
        {"today": today},
    )
    cr.execute(
        """
        INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
        SELECT src.new_id, rel.order_line_id
          FROM sale_order_line_invoice_rel rel JOIN bench_value_lines src ON src.old_id = rel.invoice_line_id
        """
    )
    cr.execute("DROP TABLE bench_value_moves; DROP TABLE bench_value_lines")
    cr.commit()
    return moves, lines


SCORES_OF = (
    "SELECT partner_id, revenue_total FROM crm_value_score WHERE company_id = %s AND partner_id = ANY(%s)"
)


def incremental(env, company, partner_ids):
    cr = env.cr
    cr.execute(SCORES_OF, (company, list(partner_ids)))
    before = dict(cr.fetchall())
    moves, lines = add_invoices(cr, company, partner_ids)
    # what the run will re-read (the engine's own detection; read-only)
    company_record = env["res.company"].browse(company)
    changed = len(env["crm.value.score"]._crm_value_changed_partner_ids(company_record))
    cr.rollback()
    env.invalidate_all()
    companies = env["res.company"].search([])  # pylint: disable=no-search-all (a few companies)
    with Step() as step:
        env["crm.value.score"]._recompute(companies=companies)
        cr.commit()
    cr.execute(SCORES_OF, (company, list(partner_ids)))
    after = dict(cr.fetchall())
    step.moves, step.lines, step.changed = moves, lines, changed
    step.updated = sum(
        1 for pid, value in after.items() if value is not None and value > (before.get(pid) or 0)
    )
    return step


def list_specification(env, with_value):
    """The fields the web client asks for the partner list: those of its list view, without
    crm_value's columns unless ``with_value`` (all of them, optional ones included)."""
    from lxml import etree

    Partner = env["res.partner"]
    # the list of the Customers app (crm_lifecycle), the one crm_value adds its columns to
    view = env.ref("crm_lifecycle.res_partner_view_list_lifecycle", raise_if_not_found=False)
    arch = Partner.get_views([(view.id if view else False, "list")])["views"]["list"]["arch"]
    names = []
    for node in etree.fromstring(arch).iter("field"):
        parent = node.getparent()
        if parent is not None and parent.tag == "list" and node.get("name") in Partner._fields:
            if node.get("name") not in names:
                names.append(node.get("name"))
    value_fields = [name for name in names if name.startswith("crm_value_")]
    if not with_value:
        names = [name for name in names if not name.startswith("crm_value_")]
    spec = {}
    for name in names:
        field = Partner._fields[name]
        if field.type in ("many2one", "many2many", "one2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec, value_fields


def customer_list(env, runs):
    """Median time and queries of the 80-row customer list with and without the value columns."""
    Partner = env["res.partner"]
    domain = [("customer_rank", ">", 0)]
    plain, value_fields = list_specification(env, with_value=False)
    valued, _value_fields = list_specification(env, with_value=True)

    def without():
        return Partner.web_search_read(domain, plain, limit=LIST_LIMIT)

    def with_scores():
        result = Partner.web_search_read(domain, valued, limit=LIST_LIMIT)
        if not value_fields:  # no value columns in the list: read the scores of the 80
            ids = [record["id"] for record in result["records"]]
            env["crm.value.score"].search_read([("partner_id", "in", ids)], SCORE_LIST_FIELDS)
        return result

    times = {"without": [], "with": []}
    queries = {}
    rows = 0
    for number in range(LIST_WARMUP + runs):
        for label, call in (("without", without), ("with", with_scores))[:: 1 if number % 2 else -1]:
            env.invalidate_all()
            with Step() as step:
                result = call()
            if number >= LIST_WARMUP:
                times[label].append(step.seconds)
                queries[label] = step.queries
            rows = len(result["records"])
    return {
        "without": statistics.median(times["without"]),
        "with": statistics.median(times["with"]),
        "queries": queries,
        "rows": rows,
        "value_fields": value_fields,
        "fields": len(plain),
        "peak_mb": peak_mb(),
    }


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse_args(argv=None):
    parser = make_parser(__doc__, "database of make bench: its addons and its name make the benchmark's own")
    add_count(parser, "--partners", "BENCH_VALUE_PARTNERS", DEFAULT_PARTNERS, "generated partners")
    add_count(parser, "--lines", "BENCH_VALUE_LINES", DEFAULT_LINES, "invoice lines of their history")
    add_count(
        parser, "--sample", "BENCH_VALUE_SAMPLE", DEFAULT_SAMPLE, "customers of the per-partner ORM loop"
    )
    add_count(
        parser,
        "--changed",
        "BENCH_VALUE_CHANGED",
        DEFAULT_CHANGED,
        "customers given a new invoice before the incremental run",
    )
    parser.add_argument(
        "--list-runs", type=int, default=DEFAULT_LIST_RUNS, help="calls of each customer list (median)"
    )
    add_template_options(parser, "keep the benchmark's database and template (default when BENCH_DB is set)")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the kept filled database instead of generating it again"
    )
    args = parser.parse_args(argv)
    if args.partners < 1 or args.lines < 1 or args.sample < 1 or args.changed < 1 or args.list_runs < 1:
        parser.error("--partners, --lines, --sample, --changed and --list-runs are positive counts")
    return args


def run(odoo, dbname, args):
    from odoo.modules.registry import Registry

    registry = Registry(dbname)
    out = {}
    with registry.cursor() as cr:
        su = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        main_company = su.ref("base.main_company").id
        companies = [
            (company.id, date_from_of(su, company))
            for company in su["res.company"].search([])  # pylint: disable=no-search-all
        ]
        out["lines"], out["all_lines"] = line_counts(cr, companies)
        out["settled"] = settle_moves(cr)
        say("  1. bare SUM(-balance) GROUP BY partner, full recompute, bare again")
        bare_sum(cr, companies)  # warms the same pages; not timed
        bare_first = bare_sum(cr, companies)
        out["full"] = full_recompute(su)
        bare_again = bare_sum(cr, companies)
        out["bare"] = min(bare_first, bare_again, key=lambda step: step.seconds)
        out["bare_times"] = (bare_first.seconds, bare_again.seconds)
        date_from = dict(companies)[main_company]
        customers = customers_with_lines(cr, main_company, date_from)
        out["customers"] = len(customers)
        sample = customers[: args.sample]
        say(f"  2. per-partner ORM loop on {len(sample):,} of {len(customers):,} customers")
        out["loop"] = orm_loop(su, main_company, date_from, sample)
        cr.rollback()
        changed = customers[-args.changed :]
        say(f"  3. {len(changed):,} customers get a new invoice, incremental recompute")
        out["incremental"] = incremental(su, main_company, changed)
        say("  4. customer list, 80 rows, with and without the value columns")
        admin = odoo.api.Environment(cr, su.ref("base.user_admin").id, {"lang": "en_US"})
        out["list"] = customer_list(admin, args.list_runs)
        cr.rollback()
    return out


def main(argv=None):
    args = parse_args(argv)
    import odoo

    odoo.tools.config.parse_config(["-c", str(args.config), "--log-level=warn"])
    say(
        f"Customer value benchmark: {args.partners:,} generated partners, {args.lines:,} invoice lines of"
        f" history; ORM loop on {args.sample:,} customers; {args.changed:,} changed for the incremental run"
    )

    def fill(dbname):
        generate(args.config, dbname, args.partners, args.lines)

    with filled_database(odoo, args, "value", "crm_value", fill) as dbname:
        out = run(odoo, dbname, args)
    return report(args, out, dbname, f"{dbname}_tpl")


def report(args, out, dbname, template):
    missed = []
    full, bare, loop, inc, lst = out["full"], out["bare"], out["loop"], out["incremental"], out["list"]
    load = os.getloadavg()
    print(
        f"\nData: {out['lines']:,} posted customer invoice and credit note product lines in the window"
        f" ({out['all_lines']:,} journal items in all), {out['customers']:,} customers with lines"
        f" ({out['settled']:,} journal entries written less than a day ago dated back a day);"
        f" {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f},"
        f" {datetime.date.today().isoformat()}"
    )
    print(
        f"\n{'step':<44} {'time':>10} {'queries':>8} {'peak RSS':>9}"
        f"\n  {'bare SUM(-balance) GROUP BY partner':<42} {bare.seconds:>8.2f} s {bare.queries:>8}"
        f" {bare.peak_mb:>6.0f} MB"
        f"\n  {'full recompute (_recompute(full=True))':<42} {full.seconds:>8.2f} s {full.queries:>8}"
        f" {full.peak_mb:>6.0f} MB"
        f"\n  {f'ORM loop, {loop.partners:,} customers':<42} {loop.seconds:>8.2f} s {loop.queries:>8}"
        f" {loop.peak_mb:>6.0f} MB"
        f"\n  {f'incremental, {inc.changed:,} partners re-read':<42} {inc.seconds:>8.2f} s {inc.queries:>8}"
        f" {inc.peak_mb:>6.0f} MB"
        f"\n  {'customer list, without value columns':<42} {lst['without'] * 1000:>7.1f} ms"
        f" {lst['queries'].get('without', 0):>8} {lst['peak_mb']:>6.0f} MB"
        f"\n  {'customer list, with value columns':<42} {lst['with'] * 1000:>7.1f} ms"
        f" {lst['queries'].get('with', 0):>8}"
    )

    ratio = full.seconds / bare.seconds if bare.seconds else float("inf")
    met = ratio <= TARGET_FULL_RATIO
    print(
        f"\n1. Full recompute {full.seconds:.2f} s ({full.scores:,} scores, {full.days:,} purchase days)"
        f" against {bare.seconds:.2f} s for the bare GROUP BY (best of {out['bare_times'][0]:.2f} s before"
        f" and {out['bare_times'][1]:.2f} s after; {bare.partners:,} partners): {ratio:.2f}x,"
        f" target <= {TARGET_FULL_RATIO:g}x: {verdict(met)}"
        f"\n   revenue over the history window: {full.revenue:,.2f} in the scores,"
        f" {bare.revenue:,.2f} summed bare over the lines read (credit notes count on the reversed"
        " invoice's day in the scores)"
    )
    if not met:
        missed.append("full recompute against the bare GROUP BY")

    per_partner = loop.seconds / loop.partners if loop.partners else float("inf")
    scaled = per_partner * out["customers"]
    speedup = scaled / full.seconds if full.seconds else float("inf")
    met = speedup >= TARGET_LOOP_SPEEDUP
    print(
        f"\n2. Per-partner ORM loop: {loop.seconds:.2f} s for {loop.partners:,} customers"
        f" ({per_partner * 1000:.1f} ms and {loop.queries / max(loop.partners, 1):.1f} queries each),"
        f" scaled to {out['customers']:,} customers: {scaled:.0f} s; the full recompute is"
        f" {speedup:.1f}x faster, target >= {TARGET_LOOP_SPEEDUP:g}x: {verdict(met)}"
    )
    if not met:
        missed.append("speed-up over the ORM loop")

    met = inc.seconds < TARGET_INCREMENTAL_SECONDS
    print(
        f"\n3. Incremental run after {inc.moves:,} new invoices ({inc.lines:,} journal items) of"
        f" {args.changed:,} customers: {inc.seconds:.2f} s, {inc.queries} queries; {inc.changed:,}"
        f" partners seen as changed, {inc.updated:,} of their {inc.moves:,} scores grew;"
        f" target < {TARGET_INCREMENTAL_SECONDS:g} s: {verdict(met)}"
    )
    if not met:
        missed.append("incremental run")
    if inc.updated != inc.moves:
        print("   NOT every customer given an invoice got a higher revenue in its score")
        missed.append("incremental scores")

    ratio = lst["with"] / lst["without"] if lst["without"] else float("inf")
    met = ratio <= TARGET_LIST_RATIO and lst["rows"] == LIST_LIMIT
    how = (
        f"partner fields {', '.join(lst['value_fields'])}"
        if lst["value_fields"]
        else "no crm_value partner fields here: plus crm.value.score.search_read of the rows' scores"
    )
    print(
        f"\n4. Customer list ({lst['rows']} rows, {lst['fields']} fields of the list view; {how}):"
        f" {lst['with'] * 1000:.1f} ms against {lst['without'] * 1000:.1f} ms without (median of"
        f" {args.list_runs}): {ratio:.3f}x, target <= {TARGET_LIST_RATIO:g}x: {verdict(met)}"
    )
    if not met:
        missed.append("customer list")
    print(f"\nPeak resident memory of this process: {peak_mb():.0f} MB")
    if args.keep:
        print(f"(database kept: {dbname}, template {template})")
    print(f"\n{'Every target met.' if not missed else 'Missed: ' + ', '.join(missed)}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
