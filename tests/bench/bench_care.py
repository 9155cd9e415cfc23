#!/usr/bin/env python3
"""Benchmark of crm_service's care plans: the daily care cron over generated customers.

Run by ``make bench`` (see README.md, "Benchmarks"), or by hand::

    python tests/bench/bench_care.py --config .devenv/odoo-bench.conf --database crm_bench_x
    BENCH_CARE_PARTNERS=2000 python tests/bench/bench_care.py --config ... --database ...

Not a test: it prints its figures next to a baseline measured in the same run, and whether
each target is met (exit status 1 when one is missed).

The benchmark is made of named parts (``--parts``, default every part): ``care`` here, and
``visits``, the visit-planning cron of the installed base over ``--equipment`` pieces of
equipment (``BENCH_VISITS_EQUIPMENT``, default 200,000) in the same database, whose data,
baseline and target ``visits_part.py`` describes.

The care cron commits, so it runs in a database of its own: a template with the addons
installed without demo data (``<database>_care_tpl``, installed once), copied and filled by
``data/generate.py`` with ``--partners`` (``BENCH_CARE_PARTNERS``, else ``BENCH_PARTNERS``,
default 1,000,000), their history (``--history``, ``--lines`` invoice lines,
``BENCH_CARE_LINES``, default one per partner) and birthdays (``--birthdays 0.3``); then
crm_value's full recompute writes the value scores the care rules read (first deal, value
class, churn state). Both databases are dropped at the end unless ``--keep`` (or ``BENCH_DB``)
is set; a kept template is reused, and ``--reuse`` reuses the kept filled database.

Care: six rules of the main company (the demo data's kind): a call 30 days after the first
deal, the anniversary of the first deal, a call every 30 days to class A customers, win back
the dormant customers, the follow-up of closed complaints (activities for the owner) and a
birthday e-mail (mail template, through the mail queue); a 14-day quiet period across rules.

1. Bare SQL: per rule, a hand-written ``INSERT ... SELECT`` of the (customer, period key) due
   into a table of the same shape, with the same quiet period and open-complaint conditions,
   committed; no action applied.
2. The care cron, as ``crm.care.rule._cron_care`` runs it: the events inserted per rule in
   chunks, then the actions in batches (activities in one ``create``, the e-mails rendered into
   the queue), committed per chunk and batch. The queries of each chunk and batch are counted
   and printed: a bounded number per batch whatever the number of customers (at most
   ``TARGET_QUERIES_PER_BATCH``).
   The events must be those of the bare SQL, rule by rule.
   Target: under 5 minutes at 1,000,000 partners (scaled to the partners of the run).
3. The cron again the same day: nothing new (idempotent), its time printed.
"""

import datetime
import os
import sys
import time

import visits_part
from benchlib import (
    Step,
    add_count,
    add_template_options,
    env_int,
    filled_database,
    make_parser,
    peak_mb,
    run_generator,
    say,
    verdict,
)

DEFAULT_PARTNERS = env_int("BENCH_PARTNERS", 1_000_000)
TARGET_SECONDS_PER_MILLION = 300.0
BIRTHDAY_SHARE = 0.3
#: the most queries an action batch may take, whatever the number of customers: about 80 for
#: 1,000 activities (one create, the followers per salesperson), plus about 5 per 50 e-mails
#: (``send_mail_batch`` renders them in chunks of ``mail.batch_size``, 50)
TARGET_QUERIES_PER_BATCH = 200
SEED = 42


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def generate(config, dbname, partners, lines):
    options = (
        *("--partners", str(partners), "--history", "--invoice-lines", str(lines)),
        *("--birthdays", str(BIRTHDAY_SHARE), "--seed", str(SEED)),
    )
    run_generator(config, dbname, options, "the partners, their history and birthdays")


def recompute_scores(env):
    companies = env["res.company"].search([])  # pylint: disable=no-search-all (a few companies)
    began = time.perf_counter()
    env["crm.value.score"]._recompute(full=True, companies=companies)
    env.cr.commit()
    return (time.perf_counter() - began, *score_counts(env.cr))


def score_counts(cr):
    cr.execute("SELECT count(*), count(*) FILTER (WHERE churn_state = 'dormant') FROM crm_value_score")
    return cr.fetchone()


RULES = [
    {"name": "Bench: call after the first deal", "trigger": "first_deal", "days": 30},
    {"name": "Bench: anniversary", "trigger": "anniversary"},
    {"name": "Bench: class A every 30 days", "trigger": "periodic", "days": 30, "abc_class": "A"},
    {"name": "Bench: dormant", "trigger": "dormant"},
    {"name": "Bench: complaint follow-up", "trigger": "complaint_closed", "days": 7},
    {"name": "Bench: birthday", "trigger": "birthday", "action": "mail_template", "catch_up_days": 0},
]


def make_rules(env):
    """The benchmark's rules (the database's own are archived), committed."""
    env["crm.care.rule"].search([]).active = False  # pylint: disable=no-search-all
    template = env["mail.template"].create(
        {
            "name": "Bench: happy birthday",
            "model_id": env.ref("base.model_res_partner").id,
            "subject": "Happy birthday {{ object.name }}",
            "partner_to": "{{ object.id }}",
            "body_html": "<p>Happy birthday!</p>",
        }
    )
    rules = env["crm.care.rule"]
    for sequence, values in enumerate(RULES):
        values = dict(values, sequence=sequence, quiet_days=14, company_id=env.company.id)
        values.setdefault("action", "activity")
        if values["action"] == "mail_template":
            values["mail_template_id"] = template.id
        rules |= rules.create(values)
    env.cr.commit()
    return rules


# ---------------------------------------------------------------------------
# 1. Bare SQL
# ---------------------------------------------------------------------------


BARE_CUSTOMERS = """
    p.active AND p.id = p.commercial_partner_id AND p.lifecycle_stage_id IS NOT NULL
    AND (p.company_id IS NULL OR p.company_id = %(company)s)
"""
BARE_SCORE = "JOIN crm_value_score s ON s.partner_id = p.id AND s.company_id = %(company)s"
BARE_CANDIDATES = {
    "first_deal": f"""
        SELECT p.id, 'first_deal', s.first_purchase_date + %(days)s
          FROM res_partner p {BARE_SCORE}
         WHERE {BARE_CUSTOMERS} AND s.first_purchase_date + %(days)s BETWEEN %(since)s AND %(today)s""",
    "anniversary": f"""
        SELECT id, to_char(day, 'YYYY'), day FROM (
            SELECT p.id, s.first_purchase_date AS origin,
                   CASE WHEN (s.first_purchase_date + make_interval(years => %(year)s
                              - extract(year FROM s.first_purchase_date)::int))::date <= %(today)s
                        THEN (s.first_purchase_date + make_interval(years => %(year)s
                              - extract(year FROM s.first_purchase_date)::int))::date
                        ELSE (s.first_purchase_date + make_interval(years => %(year)s - 1
                              - extract(year FROM s.first_purchase_date)::int))::date END AS day
              FROM res_partner p {BARE_SCORE}
             WHERE {BARE_CUSTOMERS}) a
         WHERE day > origin AND day BETWEEN %(since)s AND %(today)s""",
    "periodic": f"""
        SELECT id, to_char(day, 'YYYY-MM-DD') || '/' || %(days)s, day FROM (
            SELECT p.id, %(today)s::date
                   - mod(mod(%(today)s::date - DATE '2000-01-01' - mod(p.id, %(days)s), %(days)s)
                         + %(days)s, %(days)s) AS day
              FROM res_partner p {BARE_SCORE}
             WHERE {BARE_CUSTOMERS} AND s.abc_class = %(abc)s) c
         WHERE day BETWEEN %(since)s AND %(today)s""",
    "dormant": f"""
        SELECT p.id, 'dormant/' || COALESCE(s.last_purchase_date::text, '-'), %(today)s::date
          FROM res_partner p {BARE_SCORE}
         WHERE {BARE_CUSTOMERS} AND s.churn_state = 'dormant'""",
    "complaint_closed": f"""
        SELECT p.id, 'complaint/' || c.id, (c.closed_date AT TIME ZONE 'UTC')::date + %(days)s
          FROM crm_complaint c JOIN res_partner p ON p.id = c.commercial_partner_id
         WHERE {BARE_CUSTOMERS} AND c.company_id = %(company)s AND c.state = 'closed'
           AND (c.closed_date AT TIME ZONE 'UTC')::date + %(days)s BETWEEN %(since)s AND %(today)s""",
    "birthday": f"""
        SELECT id, to_char(day, 'YYYY') || '/' || contact, day FROM (
            SELECT p.id, ct.id AS contact, ct.crm_birthday AS origin,
                   CASE WHEN (ct.crm_birthday + make_interval(years => %(year)s
                              - extract(year FROM ct.crm_birthday)::int))::date <= %(today)s
                        THEN (ct.crm_birthday + make_interval(years => %(year)s
                              - extract(year FROM ct.crm_birthday)::int))::date
                        ELSE (ct.crm_birthday + make_interval(years => %(year)s - 1
                              - extract(year FROM ct.crm_birthday)::int))::date END AS day
              FROM res_partner p
              JOIN res_partner ct ON ct.commercial_partner_id = p.id AND ct.active
                                 AND ct.crm_birthday IS NOT NULL
             WHERE {BARE_CUSTOMERS}) b
         WHERE day > origin AND day BETWEEN %(since)s AND %(today)s""",
}


def bare_sql(cr, rules, today):
    """The baseline: per rule, one INSERT ... SELECT of the (partner, key) due into
    bench_care_bare, quiet period and open complaints applied; committed."""
    cr.execute("DROP TABLE IF EXISTS bench_care_bare")
    cr.execute(
        """CREATE TABLE bench_care_bare (rule_id int, partner_id int, period_key varchar,
                                         due_date date, UNIQUE (rule_id, partner_id, period_key))"""
    )
    cr.execute("CREATE INDEX ON bench_care_bare (partner_id, due_date)")
    cr.commit()
    counts = {}
    with Step() as step:
        for rule in rules:
            params = {
                "company": rule.company_id.id,
                "days": rule.days,
                "today": today,
                "year": today.year,
                "since": today - datetime.timedelta(days=rule.catch_up_days),
                "quiet_since": today - datetime.timedelta(days=rule.quiet_days),
                "abc": rule.abc_class or None,
                "rule": rule.id,
            }
            open_complaint = (
                ""
                if rule.trigger == "complaint_closed"
                else """AND NOT EXISTS (SELECT 1 FROM crm_complaint o
                                         WHERE o.commercial_partner_id = d.id AND o.company_id = %(company)s
                                           AND o.state NOT IN ('resolved', 'closed', 'cancelled'))"""
            )
            cr.execute(
                f"""
                INSERT INTO bench_care_bare
                SELECT DISTINCT ON (d.id) %(rule)s, d.id, d.key, d.day
                  FROM ({BARE_CANDIDATES[rule.trigger]}) AS d (id, key, day)
                 WHERE NOT EXISTS (SELECT 1 FROM bench_care_bare q
                                    WHERE q.partner_id = d.id AND q.due_date > %(quiet_since)s)
                   {open_complaint}
                 ORDER BY d.id, d.day, d.key
                ON CONFLICT DO NOTHING
                """,
                params,
            )
            counts[rule.id] = cr.rowcount
            cr.commit()
    step.counts = counts
    return step


# ---------------------------------------------------------------------------
# 2. The care cron
# ---------------------------------------------------------------------------


def care_cron(env, rules, today):
    """The cron's two phases, as ``_crm_care_run`` runs them, each chunk and batch measured."""
    from odoo.addons.crm_service.models.crm_care_engine import CARE_ACTION_BATCH, CARE_INSERT_CHUNK

    Event = env["crm.care.event"]
    env.cr.execute("SELECT COALESCE(max(id), 0) FROM mail_mail")
    last_mail = env.cr.fetchone()[0]
    chunks, batches = [], []
    with Step() as total:
        env.flush_all()
        for rule in rules:
            while True:
                with Step() as chunk:
                    ids = rule._crm_care_insert(today, CARE_INSERT_CHUNK)
                    rule._crm_care_commit(True)
                chunk.rule, chunk.size = rule, len(ids)
                chunks.append(chunk)
                if len(ids) < CARE_INSERT_CHUNK:
                    break
        while True:
            with Step() as batch:
                events = Event._crm_care_pending(rules, CARE_ACTION_BATCH)
                if events:
                    batch.kinds = sorted(set(events.rule_id.mapped("action")))
                    events._crm_care_apply()
                    rules._crm_care_commit(True)
            if not events:
                break
            batch.size = len(events)
            batches.append(batch)
    total.chunks, total.batches = chunks, batches
    env.cr.execute(
        "SELECT rule_id, count(*) FROM crm_care_event WHERE rule_id = ANY(%s) GROUP BY rule_id", (rules.ids,)
    )
    total.counts = dict(env.cr.fetchall())
    env.cr.execute(
        "SELECT count(*) FROM crm_care_event WHERE rule_id = ANY(%s) AND NOT action_applied", (rules.ids,)
    )
    total.pending = env.cr.fetchone()[0]
    env.cr.execute("SELECT count(*) FROM mail_mail WHERE id > %s AND state = 'outgoing'", (last_mail,))
    total.mails = env.cr.fetchone()[0]
    env.cr.execute(
        "SELECT count(*) FROM crm_care_event WHERE rule_id = ANY(%s) AND activity_id IS NOT NULL",
        (rules.ids,),
    )
    total.activities = env.cr.fetchone()[0]
    return total


def cron_again(env, today):
    with Step() as step:
        step.inserted = env["crm.care.rule"].search([])._crm_care_run(today, commit=True)
    return step


def run_care(odoo, dbname, args):
    from odoo.modules.registry import Registry

    registry = Registry(dbname)
    out = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'GEN-%%'")
        out["partners"] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM res_partner WHERE crm_birthday IS NOT NULL")
        out["birthdays"] = cr.fetchone()[0]
        if not args.reuse or not env["crm.care.rule"].search_count([("name", "like", "Bench:")]):
            say("  crm_value's full recompute (the value scores the rules read)")
            out["recompute"] = recompute_scores(env)
            rules = make_rules(env)
        else:
            out["recompute"] = (0.0, *score_counts(cr))
            rules = env["crm.care.rule"].search([("name", "like", "Bench:")])
            cr.execute("DELETE FROM crm_care_event WHERE rule_id = ANY(%s)", (rules.ids,))
            cr.commit()
        today = datetime.date.today()
        say("  1. bare SQL selection and insert, rule by rule")
        out["bare"] = bare_sql(cr, rules, today)
        say("  2. the care cron: events in chunks, then the actions in batches")
        out["cron"] = care_cron(env, rules, today)
        say("  3. the care cron again the same day")
        out["again"] = cron_again(env, today)
        out["rules"] = [(rule.id, rule.name, rule.action) for rule in rules]
        cr.execute("DROP TABLE IF EXISTS bench_care_bare")
        cr.commit()
    return out


def report_care(args, out):
    missed = []
    bare, cron, again = out["bare"], out["cron"], out["again"]
    seconds, scores, dormant = out["recompute"]
    print(
        f"\nCare: {out['partners']:,} generated partners ({out['birthdays']:,} with a birthday),"
        f" {scores:,} value scores ({dormant:,} dormant; full recompute {seconds:.1f} s, not measured)"
    )
    print(f"\n{'rule':<40} {'action':<14} {'bare rows':>10} {'events':>10}")
    same = True
    for rule_id, name, action in out["rules"]:
        rows, events = bare.counts.get(rule_id, 0), cron.counts.get(rule_id, 0)
        same &= rows == events
        print(f"  {name:<38} {action:<14} {rows:>10,} {events:>10,}")
    inserted = sum(cron.counts.values())
    insert_seconds = sum(chunk.seconds for chunk in cron.chunks)
    action_seconds = sum(batch.seconds for batch in cron.batches)
    print(
        f"\nInsert chunks: {len(cron.chunks)}, queries per chunk"
        f" {sorted({chunk.queries for chunk in cron.chunks})}"
    )
    print("Action batches (events, actions, queries, seconds):")
    for batch in cron.batches:
        print(f"  {batch.size:>6,} {'+'.join(batch.kinds):<28} {batch.queries:>6} {batch.seconds:>8.2f} s")
    print(
        f"\n1. Bare SQL: {bare.seconds:.2f} s, {sum(bare.counts.values()):,} rows, {bare.queries} queries"
        f"\n2. Care cron: {cron.seconds:.2f} s ({insert_seconds:.2f} s selecting and inserting"
        f" {inserted:,} events, {action_seconds:.2f} s applying their actions: {cron.activities:,}"
        f" activities, {cron.mails:,} e-mails queued), {cron.queries} queries;"
        f" selection+insert {insert_seconds / bare.seconds if bare.seconds else float('inf'):.2f}x the bare"
        f" SQL, whole cron {cron.seconds / bare.seconds if bare.seconds else float('inf'):.1f}x"
    )
    if not same:
        print("   the cron's events are NOT those of the bare SQL")
        missed.append("care events equal to the bare SQL's")
    if cron.pending:
        print(f"   {cron.pending:,} events left without their action")
        missed.append("care actions applied")
    target = TARGET_SECONDS_PER_MILLION * max(out["partners"], 1) / 1_000_000
    met = cron.seconds < target
    print(
        f"   target < {TARGET_SECONDS_PER_MILLION:g} s per 1,000,000 partners ({target:.1f} s for"
        f" {out['partners']:,}): {verdict(met)}"
    )
    if not met:
        missed.append("care cron time")
    most = max((batch.queries for batch in cron.batches), default=0)
    met = most <= TARGET_QUERIES_PER_BATCH
    print(
        f"   queries per action batch at most {most} (whatever the batch size), target <="
        f" {TARGET_QUERIES_PER_BATCH}: {verdict(met)}"
    )
    if not met:
        missed.append("queries per care batch")
    met = again.inserted == 0
    print(
        f"\n3. The cron again the same day: {again.inserted:,} new events, {again.seconds:.2f} s,"
        f" {again.queries} queries: {'idempotent' if met else 'NOT IDEMPOTENT'}"
    )
    if not met:
        missed.append("care cron idempotent")
    return missed


#: the parts of the benchmark: name -> (run(odoo, dbname, args) -> out, report(args, out) -> missed)
PARTS = {"care": (run_care, report_care), "visits": (visits_part.run, visits_part.report_part)}


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse_args(argv=None):
    parser = make_parser(__doc__, "database of make bench: its addons and its name make the benchmark's own")
    add_count(parser, "--partners", "BENCH_CARE_PARTNERS", DEFAULT_PARTNERS, "generated partners")
    add_count(parser, "--lines", "BENCH_CARE_LINES", 0, "invoice lines of their history (0: one per partner)")
    visits_part.add_options(parser)
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"parts to run, comma-separated (default {','.join(PARTS)})"
    )
    add_template_options(parser, "keep the benchmark's database and template (default when BENCH_DB is set)")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the kept filled database instead of generating it again"
    )
    args = parser.parse_args(argv)
    args.parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = [part for part in args.parts if part not in PARTS]
    if unknown or not args.parts:
        parser.error(f"--parts: unknown {', '.join(unknown) or 'none given'}; known: {', '.join(PARTS)}")
    if args.partners < 1 or args.lines < 0 or args.equipment < 1:
        parser.error("--partners and --equipment are positive counts, --lines a count")
    return args


def main(argv=None):
    args = parse_args(argv)
    import odoo

    odoo.tools.config.parse_config(["-c", str(args.config), "--log-level=warn"])
    lines = args.lines or args.partners
    say(
        f"Care benchmark ({', '.join(args.parts)}): {args.partners:,} generated partners,"
        f" {lines:,} invoice lines of history"
    )
    outs = {}
    with filled_database(
        odoo, args, "care", "crm_service", lambda name: generate(args.config, name, args.partners, lines)
    ) as dbname:
        for part in args.parts:
            outs[part] = PARTS[part][0](odoo, dbname, args)
    missed = []
    for part in args.parts:
        missed += PARTS[part][1](args, outs[part])
    load = os.getloadavg()
    print(
        f"\n{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f},"
        f" {datetime.date.today().isoformat()}; peak resident memory of this process: {peak_mb():.0f} MB"
    )
    if args.keep:
        print(f"(database kept: {dbname}, template {dbname}_tpl)")
    print(f"\n{'Every target met.' if not missed else 'Missed: ' + ', '.join(missed)}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
