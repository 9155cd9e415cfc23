#!/usr/bin/env python3
"""Benchmark of crm_service's SLA engine: the 5-minute cron and the re-planning of deadlines.

Run by ``make bench`` (see README.md, "Benchmarks"), or by hand::

    python tests/bench/bench_sla.py --config .devenv/odoo-bench.conf --database crm_bench_x \\
        --cases 5000 --partners 200 --portal-cases 1000

Not a test: it prints its figures next to a baseline measured in the same run, and whether
each target is met (exit status 1 when one is missed).

Data: the addons of ``--database`` are installed without demo data in a template
(``<database>_sla_tpl``, once), copied into ``<database>_sla``, given a 9-17 calendar with a
lunch break in Europe/Warsaw, a desk team and its SLA policy (40 working hours to respond, 80
to resolve; escalation at risk -> assignee, at breach -> team leader), then filled by
``data/generate.py`` with ``--partners`` companies (``BENCH_SLA_PARTNERS``, default 2,000)
and ``--cases`` open cases of theirs (``BENCH_SLA_CASES``, default 100,000) opened over the
last 3 days, their SLA clocks running; crm_service's engine plans their deadlines (the
generator leaves that arithmetic to it). Both databases are dropped at the end unless
``--keep`` (or ``BENCH_DB``); ``--reuse`` takes the kept filled database again.

The measures run in one transaction, rolled back at the end. Odoo runs in test mode, so the
cron's commit per batch is skipped (one commit per 1,000 lines is not what is measured here).

1. Nothing due: ``crm.complaint.sla.line._cron_sla_check()`` when no line is at risk or
   failed. Target: under 0.1 s (best of 3), a constant number of queries.
2. Breach: ``--breach`` response targets (``BENCH_SLA_BREACH``, default 1,000) past their
   deadline: the cron fails them and fires the breach step of each (an activity, a chatter
   note, an e-mail to the team leader). Target: under 20 s.
3. Re-planning after a public holiday is added: every running line is planned again from
   its clock start, in one batch per calendar (``resource.calendar.leaves.create`` does it).
   Baseline, in the same run: ``resource.calendar.plan_hours(hours, start,
   compute_leaves=True)`` once per line on ``--sample`` lines (``BENCH_SLA_SAMPLE``, default
   2,000), scaled to all lines (one call per line is what the batched arithmetic replaces;
   running it on 200,000 lines would take minutes). The sample's deadlines must match to the
   second. Target: at least 5x faster.
4. Portal list: a portal user whose company has ``--portal-cases`` of the cases
   (``BENCH_SLA_PORTAL_CASES``, default 10,000) logs in and opens ``/my/complaints``: the
   whole request (login session, routing, record rules, rendering) through Odoo's WSGI
   application in this process, in the registry's test mode (as ``HttpCase``), so it sees the
   uncommitted cases. Median of 10 requests after 3 warm-ups, queries per request printed.
   Target: at most 300 ms.
"""

import datetime
import os
import sys
import time

from benchlib import (
    CursorStep,
    add_count,
    add_template_options,
    filled_database,
    make_parser,
    run_generator,
    say,
    verdict,
)

DEFAULT_CASES = 100_000
DEFAULT_PARTNERS = 2_000
TEAM_NAME = "Bench SLA desk"
POLICY_NAME = "Bench SLA"
DEFAULT_BREACH = 1_000
DEFAULT_SAMPLE = 2_000
TARGET_IDLE_SECONDS = 0.1
TARGET_BREACH_SECONDS = 20.0
TARGET_REPLAN_RATIO = 5.0
DEFAULT_PORTAL_CASES = 10_000
PORTAL_RUNS = 10
PORTAL_PASSWORD = "bench_sla_portal"
TARGET_PORTAL_SECONDS = 0.3
SEED = 13


def configure(odoo, dbname):
    """The calendar, desk team and policy of the generated cases, committed in ``dbname``:
    a 9-17 calendar with a lunch break in Europe/Warsaw, the desk led by the administrator, and
    a policy of 40 working hours to respond and 80 to resolve (cases opened over the last 3
    days are all on track, none at risk) with an escalation chain (at risk -> assignee, breach
    -> team leader)."""
    from odoo.modules.registry import Registry

    with Registry(dbname).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        admin = env.ref("base.user_admin")
        admin.partner_id.email = admin.partner_id.email or "admin@example.com"
        calendar = env["resource.calendar"].create(
            {
                "name": "Bench SLA 9-17",
                "tz": "Europe/Warsaw",
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        },
                    )
                    for day in range(5)
                    for start, end, period in ((9, 12, "morning"), (12, 13, "lunch"), (13, 17, "afternoon"))
                ],
            }
        )
        team = env["crm.service.team"].create(
            {"name": TEAM_NAME, "tier": "1", "leader_id": admin.id, "member_ids": [(6, 0, admin.ids)]}
        )
        env["crm.sla.policy"].create(
            {
                "name": POLICY_NAME,
                "sequence": -1000,
                "team_ids": [(6, 0, team.ids)],
                "response_hours": 40,
                "resolution_hours": 80,
                "calendar_id": calendar.id,
                "escalation_ids": [
                    (0, 0, {"trigger": "at_risk", "recipient": "assignee", "sequence": 1}),
                    (
                        0,
                        0,
                        {
                            "trigger": "breach",
                            "recipient": "team_leader",
                            "sequence": 2,
                            "target": "response",
                        },
                    ),
                ],
            }
        )


def generate(config, dbname, args):
    """``--partners`` generated companies and ``--cases`` open cases of the bench team and policy,
    their SLA clocks running (data/generate.py)."""
    options = (
        *("--partners", str(args.partners), "--cases", str(args.cases), "--seed", str(SEED)),
        *("--case-team", TEAM_NAME, "--case-policy", POLICY_NAME),
    )
    run_generator(config, dbname, options, "the customers and their cases")


def plan(odoo, dbname):
    """crm_service's engine plans the generated lines' deadlines (the generator leaves them to
    it), committed. Returns the seconds it took."""
    from odoo.modules.registry import Registry

    with Registry(dbname).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        policy = env["crm.sla.policy"].search([("name", "=", POLICY_NAME)])
        began = time.perf_counter()
        env["crm.complaint.sla.line"]._crm_replan_calendars(policy.calendar_id)
        env.flush_all()
        cr.execute("ANALYZE crm_complaint")
        cr.execute("ANALYZE crm_complaint_sla_line")
        return time.perf_counter() - began


def portal_list(odoo, registry, env, ids, cases):
    """The portal user of a customer with ``cases`` of the cases opens ``/my/complaints``: the
    whole request (session, routing, record rules, page rendering) through Odoo's WSGI
    application, in this thread and this transaction (the registry's test mode, as HttpCase
    does), so nothing is committed. Returns (median seconds, queries per request, page bytes)."""
    import re
    import statistics
    import threading

    from werkzeug.test import Client

    from odoo.tools import SQL

    user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Bench SLA portal customer",
                "login": "bench_sla_portal",
                "email": "bench_sla_portal@example.com",
                "password": PORTAL_PASSWORD,
                "groups_id": [(6, 0, env.ref("base.group_portal").ids)],
            }
        )
    )
    partner = user.partner_id
    env.cr.execute(
        SQL(
            "UPDATE crm_complaint SET partner_id = %s, commercial_partner_id = %s WHERE id = ANY(%s)",
            partner.id,
            partner.commercial_partner_id.id,
            ids[:cases],
        )
    )
    env.flush_all()
    env.invalidate_all()
    registry.enter_test_mode(env.cr)
    try:
        # the only database the requests may use: this one
        odoo.tools.config["db_name"] = env.cr.dbname
        client = Client(odoo.http.root)  # keeps the session cookie
        remote = {"REMOTE_ADDR": "127.0.0.1"}
        login_page = client.get("/web/login", environ_base=remote).get_data()
        csrf_token = re.search(rb'name="csrf_token" value="([^"]+)"', login_page).group(1).decode()
        logged_in = client.post(
            "/web/login",
            data={"login": user.login, "password": PORTAL_PASSWORD, "csrf_token": csrf_token},
            environ_base=remote,
        )
        assert logged_in.status_code == 303, (logged_in.status_code, logged_in.get_data()[:300])
        thread = threading.current_thread()
        timings, queries = [], []
        for run in range(PORTAL_RUNS + 3):
            thread.query_count = 0
            began = time.perf_counter()
            response = client.get("/my/complaints", environ_base=remote)
            elapsed = time.perf_counter() - began
            body = response.get_data()
            assert response.status_code == 200, (response.status_code, body[:300])
            assert b"CASE-GEN-" in body, "the customer's cases are not listed"
            if run >= 3:  # the first requests load the assets and the routing map
                timings.append(elapsed)
                queries.append(thread.query_count)
    finally:
        registry.leave_test_mode()
    return statistics.median(timings), max(queries), len(body)


def run(odoo, dbname, args):
    from odoo.modules.registry import Registry
    from odoo.tools import SQL

    from odoo.addons.crm_service.utils.working_hours import round_to_second

    registry = Registry(dbname)
    # one transaction rolled back at the end: the cron must not commit its batches (set once
    # the registry is loaded, or loading it would look for tests to run)
    odoo.tools.config["test_enable"] = True
    out = {}
    with registry.cursor() as cr:
        context = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, context)
        Line = env["crm.complaint.sla.line"]
        policy = env["crm.sla.policy"].search([("name", "=", POLICY_NAME)])
        cr.execute(
            SQL(
                "SELECT id FROM crm_complaint WHERE sla_policy_id = %s AND state = 'open' ORDER BY id",
                policy.id,
            )
        )
        ids = [row[0] for row in cr.fetchall()]
        cr.execute("SELECT count(*) FROM crm_complaint_sla_line WHERE state IN ('ok', 'at_risk')")
        out["running"] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_complaint_sla_line WHERE state = 'at_risk'")
        out["at_risk"] = cr.fetchone()[0]
        say(f"  ({len(ids):,} cases, {out['running']:,} running SLA lines, {out['at_risk']:,} at risk)")

        say("  1. the cron when nothing is due")
        idle = []
        for _run in range(3):
            with CursorStep(cr) as step:
                done = Line._cron_sla_check()
            assert done == 0, done
            idle.append(step)
        out["idle"] = min(idle, key=lambda step: step.seconds)

        say(f"  2. the cron when {args.breach:,} response targets breach")
        cr.execute(
            SQL(
                """
            UPDATE crm_complaint_sla_line SET deadline = now() at time zone 'UTC' - interval '1 minute',
                   warn_date = now() at time zone 'UTC' - interval '1 hour'
             WHERE id IN (SELECT id FROM crm_complaint_sla_line WHERE target = 'response'
                           AND complaint_id = ANY(%s) ORDER BY random() LIMIT %s)
            """,
                ids,
                args.breach,
            )
        )
        env.invalidate_all()
        activities_before = env["mail.activity"].search_count([("res_model", "=", "crm.complaint")])
        with CursorStep(cr) as step:
            Line._cron_sla_check()
        out["breach"] = step
        cr.execute("SELECT count(*) FROM crm_complaint_sla_line WHERE state = 'failed'")
        out["failed"] = cr.fetchone()[0]
        out["activities"] = (
            env["mail.activity"].search_count([("res_model", "=", "crm.complaint")]) - activities_before
        )
        out["mails"] = env["mail.mail"].search_count([("model", "=", "crm.complaint"), ("res_id", "in", ids)])

        say(
            f"  3. re-planning every running deadline after a public holiday;"
            f" plan_hours on {args.sample:,} lines"
        )
        tomorrow = datetime.datetime.now().date() + datetime.timedelta(days=1)
        with CursorStep(cr) as step:
            env["resource.calendar.leaves"].create(
                {
                    "name": "Bench holiday",
                    "date_from": datetime.datetime.combine(tomorrow, datetime.time.min),
                    "date_to": datetime.datetime.combine(tomorrow, datetime.time.max).replace(microsecond=0),
                }
            )
            env.flush_all()
        out["replan"] = step
        cr.execute("SELECT count(*) FROM crm_complaint_sla_line WHERE state IN ('ok', 'at_risk')")
        out["replanned"] = cr.fetchone()[0]
        # the benchmark's own lines (a database with demo data has cases of other calendars)
        sample = Line.search(
            [("policy_id", "=", policy.id), ("state", "in", ("ok", "at_risk")), ("start_date", "!=", False)],
            limit=args.sample,
        )
        calendar = policy.calendar_id
        items = [
            (line.start_date, max(line.target_hours - line.consumed_hours, 0.0), line.deadline)
            for line in sample
        ]
        with CursorStep(cr) as step:
            expected = [
                calendar.plan_hours(hours, start, compute_leaves=True) for start, hours, _deadline in items
            ]
        out["plan_hours"] = step
        out["sample"] = len(items)
        out["mismatches"] = sum(
            1
            for (_start, _hours, deadline), want in zip(items, expected, strict=True)
            if deadline != round_to_second(want)
        )

        portal_cases = min(args.portal_cases, len(ids))
        say(f"  4. the portal list of a customer with {portal_cases:,} cases, as that customer")
        out["portal_cases"] = portal_cases
        out["portal"] = portal_list(odoo, registry, env, ids, portal_cases)
        cr.rollback()
    return out


def report(args, out):
    missed = []
    load = os.getloadavg()
    print(
        f"\nData: {args.cases:,} open cases, {out['running']:,} running SLA lines; {os.cpu_count()} cores,"
        f" load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, {datetime.date.today().isoformat()}"
    )
    idle, breach, replan, baseline = out["idle"], out["breach"], out["replan"], out["plan_hours"]
    met = idle.seconds < TARGET_IDLE_SECONDS
    missed += [] if met else ["idle cron"]
    print(
        f"\n1. Cron, nothing due: {idle.seconds * 1000:.1f} ms, {idle.queries} queries"
        f" (target < {TARGET_IDLE_SECONDS * 1000:.0f} ms): {verdict(met)}"
    )
    met = breach.seconds < TARGET_BREACH_SECONDS and out["failed"] >= args.breach
    missed += [] if met else ["breach cron"]
    print(
        f"2. Cron, {args.breach:,} breaches: {breach.seconds:.2f} s, {breach.queries} queries;"
        f" {out['failed']:,} lines failed, {out['activities']:,} activities, {out['mails']:,} e-mails"
        f" (target < {TARGET_BREACH_SECONDS:.0f} s): {verdict(met)}"
    )
    scaled = baseline.seconds / max(out["sample"], 1) * out["replanned"]
    ratio = scaled / replan.seconds if replan.seconds else float("inf")
    met = ratio >= TARGET_REPLAN_RATIO and not out["mismatches"]
    missed += [] if met else ["re-planning"]
    print(
        f"3. Re-planning {out['replanned']:,} running lines after a holiday: {replan.seconds:.2f} s,"
        f" {replan.queries} queries; plan_hours per line: {baseline.seconds:.2f} s for {out['sample']:,}"
        f" lines, {scaled:.1f} s scaled to all: {ratio:.1f}x faster"
        f" (target >= {TARGET_REPLAN_RATIO:.0f}x); {out['mismatches']} deadline(s) of the sample differ:"
        f" {verdict(met)}"
    )
    seconds, queries, size = out["portal"]
    met = seconds <= TARGET_PORTAL_SECONDS
    missed += [] if met else ["portal list"]
    print(
        f"4. Portal list (/my/complaints) of a customer with {out['portal_cases']:,} cases:"
        f" {seconds * 1000:.0f} ms, {queries} queries, {size / 1024:.0f} KB (median of {PORTAL_RUNS})"
        f" (target <= {TARGET_PORTAL_SECONDS * 1000:.0f} ms): {verdict(met)}"
    )
    return 1 if missed else 0


def parse_args(argv):
    parser = make_parser(__doc__, "a database with the addons installed")
    add_count(parser, "--cases", "BENCH_SLA_CASES", DEFAULT_CASES, "open cases generated")
    add_count(
        parser, "--partners", "BENCH_SLA_PARTNERS", DEFAULT_PARTNERS, "generated customers of the cases"
    )
    add_count(parser, "--breach", "BENCH_SLA_BREACH", DEFAULT_BREACH, "response targets made to breach")
    add_count(parser, "--sample", "BENCH_SLA_SAMPLE", DEFAULT_SAMPLE, "lines of the plan_hours baseline")
    add_count(
        parser,
        "--portal-cases",
        "BENCH_SLA_PORTAL_CASES",
        DEFAULT_PORTAL_CASES,
        "cases of the portal customer",
    )
    add_template_options(parser, "keep the benchmark's database and template (default when BENCH_DB is set)")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the kept filled database instead of generating it again"
    )
    args = parser.parse_args(argv)
    if (
        args.partners < 1
        or args.cases < 2
        or min(args.breach, args.sample, args.portal_cases) < 1
        or args.breach > args.cases
    ):
        parser.error(
            "--partners positive, --cases >= 2, --breach, --sample and --portal-cases positive,"
            " --breach <= --cases"
        )
    return args


def main(argv=None):
    args = parse_args(argv)
    import odoo

    odoo.tools.config.parse_config(["-c", str(args.config), "--log-level=warn"])
    say(
        f"SLA benchmark: {args.cases:,} open cases of {args.partners:,} generated customers,"
        f" {args.breach:,} breaching, plan_hours on {args.sample:,}"
    )

    def fill(dbname):
        configure(odoo, dbname)
        generate(args.config, dbname, args)
        say(f"  (deadlines planned in {plan(odoo, dbname):.1f} s)")

    with filled_database(odoo, args, "sla", "crm_service", fill) as dbname:
        out = run(odoo, dbname, args)
    return report(args, out)


if __name__ == "__main__":
    sys.exit(main())
