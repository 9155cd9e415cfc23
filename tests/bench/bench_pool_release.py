#!/usr/bin/env python3
"""Benchmark of the release cron of crm_lifecycle, on partners made by data/generate.py.

Run by ``make bench`` (see README.md, "Benchmarks"), or by hand::

    python tests/bench/bench_pool_release.py --config .devenv/odoo-bench.conf --database crm_bench_x

Not a test: it prints its figures next to a baseline measured in the same run, and
whether each target is met (exit status 1 when one is missed).

The cron commits per batch, so it runs on real cursors, in databases of its own: the one
``make bench`` filled (``--database``) holds other expired customers. They are made from
a template with the addons installed in ``--database``, without demo data
(``<database>_pool_tpl``, installed once), and dropped at the end unless ``--keep``
(or ``BENCH_DB``, the database ``make bench`` keeps) is set; a kept template is reused.

1. Release: ``res.partner._cron_crm_release_expired()`` once, on ``--partners`` CRM-managed
   partners (``BENCH_POOL_PARTNERS``, default 200,000), ``--expired`` of them past their
   deadline (``BENCH_POOL_EXPIRED``, default 40,000): wall time and SQL queries. It must
   release exactly those, with one release event each. Baseline, in the same run, on a
   copy of the same database: a bare ``UPDATE res_partner`` of the same rows plus the
   ``INSERT INTO crm_partner_event`` of their events. Target: under 60 s.
2. Queries: the same cron on a tenth of the partners (and as many expired), then on both
   databases again (nothing left to release). Target: the query count is a constant plus
   a constant per batch (the cron commits once per batch), the same per batch whatever the
   number of partners and whether the batch releases any.

Before the cron, the data is checked against the addon's own schedule
(``crm.pool._schedule_query``): exactly ``--expired`` customers due, and the schedule the
generator wrote is the one the addon computes.
"""

import datetime
import math
import sys
import threading
import time

from benchlib import (
    Server,
    add_count,
    add_template_options,
    install_template,
    make_parser,
    run_generator,
    say,
    verdict,
)

DEFAULT_PARTNERS = 200_000
DEFAULT_EXPIRED = 40_000
TARGET_SECONDS = 60.0
MAX_QUERIES_PER_BATCH = 20  # a batch handles thousands of partners: a query per partner shows at once
MAX_FIXED_QUERIES = 50
LINEAR_TOLERANCE = 2  # queries
SEED = 42


# ---------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------


def generate_partners(config, dbname, partners, expired):
    """``partners`` CRM-managed partners, ``expired`` of them due for release (data/generate.py)."""
    options = ("--partners", str(partners), "--expired", str(expired), "--seed", str(SEED))
    run_generator(config, dbname, options, "the partners")


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------


class QueryCounter:
    """SQL queries run by this thread (every cursor: Odoo counts them on the thread) and
    commits (of every Odoo cursor), between ``start()`` and ``stop()``."""

    def __init__(self):
        from odoo import sql_db

        self.cursor_class = sql_db.Cursor
        self.queries = self.commits = 0

    def __enter__(self):
        thread = threading.current_thread()
        thread.query_count, thread.query_time = 0, 0.0
        original = self.original = self.cursor_class.commit
        counter = self

        def commit(cursor):
            counter.commits += 1
            return original(cursor)

        self.cursor_class.commit = commit
        return self

    def __exit__(self, *exc):
        self.cursor_class.commit = self.original
        thread = threading.current_thread()
        self.queries = thread.query_count
        del thread.query_count, thread.query_time


def ownership_counts(cr):
    cr.execute(
        """
        SELECT count(*) FILTER (WHERE crm_pool_state = 'owned'),
               count(*) FILTER (WHERE crm_pool_state = 'pool'),
               (SELECT COALESCE(max(id), 0) FROM crm_partner_event)
          FROM res_partner
         WHERE lifecycle_stage_id IS NOT NULL AND id = commercial_partner_id
        """
    )
    return cr.fetchone()


def check_schedule(env):
    """The addon's own verdict on the data, before the cron: customers due now, and how many
    owned customers the generator wrote another schedule for than the addon computes."""
    from odoo.tools import SQL

    env.flush_all()
    env.cr.execute(
        SQL(
            """
            SELECT count(*) FILTER (WHERE sched.deadline <= now() at time zone 'UTC'),
                   count(*) FILTER (
                       WHERE p.ownership_deadline IS DISTINCT FROM sched.deadline
                          OR p.crm_release_rule IS DISTINCT FROM
                             CASE WHEN sched.deadline IS NOT NULL THEN sched.rule END
                          OR p.crm_release_days IS DISTINCT FROM
                             CASE WHEN sched.deadline IS NOT NULL THEN sched.rule_days END
                          OR p.next_followup_date IS DISTINCT FROM sched.followup
                   ),
                   count(*)
              FROM (%s) sched JOIN res_partner p ON p.id = sched.id
            """,
            env["crm.pool"]._schedule_query(SQL("TRUE")),
        )
    )
    return env.cr.fetchone()


def run_cron(odoo, dbname):
    """Run the release cron once on ``dbname``, as the cron worker would (committing)."""
    from odoo.modules.registry import Registry

    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        due, differ, owned_scheduled = check_schedule(env)
        owned, in_pool, last_event = ownership_counts(cr)
        cr.rollback()
        with QueryCounter() as counter:
            began = time.perf_counter()
            env["res.partner"]._cron_crm_release_expired()  # commits each batch itself
            seconds = time.perf_counter() - began
        cr.commit()
        owned_after, in_pool_after, _last = ownership_counts(cr)
        cr.execute(
            """
            SELECT count(*), count(DISTINCT e.partner_id),
                   count(*) FILTER (WHERE p.crm_pool_state = 'pool' AND p.user_id IS NULL
                                      AND p.previous_owner_id = e.from_user_id)
              FROM crm_partner_event e JOIN res_partner p ON p.id = e.partner_id
             WHERE e.id > %s AND e.event_type = 'release' AND e.trigger = 'timeout'
            """,
            (last_event,),
        )
        events, event_partners, consistent = cr.fetchone()
        cr.execute(
            "SELECT partner_id FROM crm_partner_event WHERE id > %s AND event_type = 'release' ORDER BY id",
            (last_event,),
        )
        released_ids = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT count(*) FROM crm_partner_event WHERE id > %s", (last_event,))
        all_events = cr.fetchone()[0]
    return {
        "seconds": seconds,
        "queries": counter.queries,
        "commits": counter.commits,
        "owned": owned,
        "released": owned - owned_after,
        "entered_pool": in_pool_after - in_pool,
        "events": events,
        "event_partners": event_partners,
        "consistent": consistent,
        "other_events": all_events - events,
        "released_ids": released_ids,
        "due": due,
        "schedule_differs": differ,
        "owned_scheduled": owned_scheduled,
    }


def run_bare(server, dbname, ids):
    """The same release as bare SQL: one UPDATE of the partners, one INSERT of their events."""
    connection = server.connect(dbname)
    try:
        with connection.cursor() as cr:
            cr.execute("SELECT count(*) FROM res_partner WHERE id = ANY(%s)", (ids,))  # warm the same pages
            connection.commit()
            now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
            began = time.perf_counter()
            cr.execute(
                """
                INSERT INTO crm_partner_event
                       (partner_id, event_type, date, user_id, from_user_id, reason, trigger,
                        company_id, pool_id, create_uid, write_uid, create_date, write_date)
                SELECT p.id, 'release', %(now)s, 1, p.user_id, 'No contact.', 'timeout',
                       COALESCE(p.company_id, 1), p.crm_pool_id, 1, 1, %(now)s, %(now)s
                  FROM res_partner p
                 WHERE p.id = ANY(%(ids)s)
                """,
                {"now": now, "ids": ids},
            )
            inserted = cr.rowcount
            cr.execute(
                """
                UPDATE res_partner
                   SET previous_owner_id = user_id, user_id = NULL, crm_pool_state = 'pool',
                       crm_released_date = %(now)s, crm_release_reason = 'No contact.',
                       owner_since = NULL, ownership_deadline = NULL, crm_release_rule = NULL,
                       crm_release_days = NULL, next_followup_date = NULL,
                       write_date = %(now)s, write_uid = 1
                 WHERE id = ANY(%(ids)s)
                """,
                {"now": now, "ids": ids},
            )
            updated = cr.rowcount
            connection.commit()
            seconds = time.perf_counter() - began
    finally:
        connection.close()
    return {"seconds": seconds, "queries": 2, "updated": updated, "inserted": inserted}


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def batch_size():
    """The cron's batch size, when the addon names it as it does today."""
    try:
        from odoo.addons.crm_lifecycle.models import res_partner_followup as res_partner
    except ImportError:
        return None
    size = getattr(res_partner, "CRM_CRON_BATCH", None)
    return f"{size:,}" if isinstance(size, int) else None


def parse_args(argv=None):
    parser = make_parser(
        __doc__,
        "database with the addons installed: its addons and its name make the benchmark's own",
    )
    add_count(parser, "--partners", "BENCH_POOL_PARTNERS", DEFAULT_PARTNERS, "CRM-managed partners")
    add_count(parser, "--expired", "BENCH_POOL_EXPIRED", DEFAULT_EXPIRED, "of them due for release")
    add_template_options(
        parser, "keep the benchmark's databases (default when BENCH_DB is set); a kept template is reused"
    )
    args = parser.parse_args(argv)
    if not 0 < args.expired <= args.partners:
        parser.error("--expired must be between 1 and --partners")
    return args


def report_run(label, run, partners, expired):
    print(
        f"  {label:<8} {partners:>9,} {expired:>8,} {run['owned']:>8,} {run['commits']:>8}"
        f" {run['queries']:>8} {run['seconds']:>8.1f} s {run['released']:>9,} {run['events']:>8,}"
    )


def main(argv=None):
    args = parse_args(argv)
    import odoo

    odoo.tools.config.parse_config(["-c", str(args.config), "--log-level=warn"])
    server = Server(args.config)
    template = f"{args.database}_pool_tpl"
    small_partners, small_expired = args.partners // 10, args.expired // 10
    databases = {
        "small": f"{args.database}_pool_small",
        "large": f"{args.database}_pool_large",
        "bare": f"{args.database}_pool_bare",
    }
    say(
        f"Release cron benchmark: {args.partners:,} CRM-managed partners, {args.expired:,} expired;"
        f" {small_partners:,} and {small_expired:,} for the query count"
    )
    if args.fresh or not args.keep or not server.exists(template):
        install_template(server, args.config, args.database, template, required="crm_lifecycle")
    missed = []
    began = time.perf_counter()
    try:
        for label, partners, expired in (
            ("small", small_partners, small_expired),
            ("large", args.partners, args.expired),
        ):
            server.copy(template, databases[label])
            generate_partners(args.config, databases[label], partners, expired)
        server.copy(databases["large"], databases["bare"])  # the same rows, the same ids
        say(f"  (databases ready in {time.perf_counter() - began:.0f} s)")
        small = run_cron(odoo, databases["small"])
        large = run_cron(odoo, databases["large"])
        small_rerun = run_cron(odoo, databases["small"])
        rerun = run_cron(odoo, databases["large"])
        bare = run_bare(server, databases["bare"], large["released_ids"])
    finally:
        from odoo.modules.registry import Registry

        for name in databases.values():
            Registry.delete(name)
        odoo.sql_db.close_all()
        if not args.keep:
            for name in (*databases.values(), template):
                server.drop(name)
    print(
        f"\nGenerated data against the addon's own schedule (crm.pool._schedule_query), before the cron:"
        f"\n  due now: {large['due']:,} of {large['owned_scheduled']:,} owned (expected {args.expired:,});"
        f" schedule written by the generator differs for {large['schedule_differs']:,}"
    )
    schedule_met = (
        large["due"] == args.expired
        and small["due"] == small_expired
        and not large["schedule_differs"]
        and not small["schedule_differs"]
    )
    print(f"  {verdict(schedule_met)}")
    if not schedule_met:
        missed.append("generated schedule")

    print(
        f"\nRelease: _cron_crm_release_expired once, against a bare UPDATE + INSERT of the same rows"
        f"\n  {'run':<8} {'partners':>9} {'expired':>8} {'owned':>8} {'batches':>8} {'queries':>8}"
        f" {'time':>10} {'released':>9} {'events':>8}"
    )
    report_run("small", small, small_partners, small_expired)
    report_run("large", large, args.partners, args.expired)
    report_run("rerun", small_rerun, small_partners, 0)
    report_run("rerun", rerun, args.partners, 0)
    print(
        f"  {'bare SQL':<8} {args.partners:>9,} {args.expired:>8,} {'':>8} {'':>8} {bare['queries']:>8}"
        f" {bare['seconds']:>8.1f} s {bare['updated']:>9,} {bare['inserted']:>8,}"
    )
    ratio = large["seconds"] / bare["seconds"] if bare["seconds"] else math.inf
    print(
        f"  cron {large['seconds']:.1f} s against {bare['seconds']:.2f} s for the bare SQL: {ratio:.1f}x"
        f" (the cron also recomputes the schedule of all {large['owned']:,} owned customers and"
        " looks for warnings)"
    )
    exact = all(
        run["released"] == run["entered_pool"] == run["events"] == run["event_partners"] == run["consistent"]
        and not run["other_events"]
        for run in (small, large, small_rerun, rerun)
    )
    exact = exact and (small["released"], large["released"], small_rerun["released"], rerun["released"]) == (
        small_expired,
        args.expired,
        0,
        0,
    )
    print(
        f"  released exactly the expired customers, one release event each (and none on the rerun):"
        f" {'yes' if exact else 'NO'}"
    )
    if not exact:
        missed.append("release count")
    met = large["seconds"] < TARGET_SECONDS
    print(f"  cron time {large['seconds']:.1f} s, target < {TARGET_SECONDS:g} s: {verdict(met)}")
    if not met:
        missed.append("time")

    # queries = fixed + per_batch * batches, fitted on the first runs (cold caches: the first
    # run of a database loads a few ids) and on the reruns (warm, nothing to release)
    fits = {}
    for label, (few, many) in (("first runs", (small, large)), ("reruns", (small_rerun, rerun))):
        per_batch = (many["queries"] - few["queries"]) / max(many["commits"] - few["commits"], 1)
        fits[label] = (few["queries"] - per_batch * few["commits"], per_batch)
    slopes = [per_batch for _fixed, per_batch in fits.values()]
    met = (
        large["commits"] > small["commits"]
        and rerun["commits"] > small_rerun["commits"]
        and max(slopes) - min(slopes) <= LINEAR_TOLERANCE
        and max(slopes) <= MAX_QUERIES_PER_BATCH
        and max(fixed for fixed, _per_batch in fits.values()) <= MAX_FIXED_QUERIES
    )
    print(
        f"\nQueries: a constant plus a constant per batch (one commit per batch of"
        f" {batch_size() or 'a few thousand'} owned customers, releases or not)"
    )
    for label, (fixed, per_batch) in fits.items():
        print(f"  {label:<11} {fixed:5.1f} + {per_batch:5.2f} per batch")
    print(
        f"  {large['queries'] / large['owned']:.5f} queries per owned customer on the large run,"
        f" {small['queries'] / small['owned']:.5f} on the small one"
        f"\n  target: the same per batch (within {LINEAR_TOLERANCE}), at most {MAX_QUERIES_PER_BATCH},"
        f" plus at most {MAX_FIXED_QUERIES}: {verdict(met)}"
    )
    if not met:
        missed.append("query count")
    if args.keep:
        print(f"\n(databases kept: {', '.join(databases.values())}, template {template})")
    print(f"\n{'Every target met.' if not missed else 'Missed: ' + ', '.join(missed)}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
