#!/usr/bin/env python3
"""The ``visits`` part of bench_care.py: crm_service's visit planning, the daily cron over the
installed base.

``make bench`` runs it within ``tests/bench/bench_care.py`` (see README.md, "Benchmarks"), on
the database that benchmark filled; by hand, alone, on any database with crm_service::

    python tests/bench/visits_part.py --config .devenv/odoo-bench.conf --database crm_bench_x

Not a test: it prints its figures next to a baseline measured in the same run, and whether
the target is met (exit status 1 when it is missed).

Everything runs in one transaction of ``--database`` (crm_service installed), rolled back at
the end: nothing is left behind. Odoo runs in test mode, so the cron's commit per batch is
skipped.

Data: a product tracked at customers with a plan (every 12 months, 14 lead days, expected
life 120 months), a default equipment team with a leader, then ``--equipment`` pieces of
equipment (``BENCH_VISITS_EQUIPMENT``, default 200,000) over the database's customer companies
(200 are created when it has fewer), each with its last preventive visit, written by the
generator's ``data/crm_generate/equipment.py`` (the module of ``generate.py --equipment``):
about 14/365 of them are due for planning.

1. Baseline: bare SQL, one statement: insert the planned visits of the equipment due (without
   a planned visit or one for the due date) and their to-do activities; rolled back to a
   savepoint.
2. The cron's planning step, ``crm.equipment._crm_plan_due_visits(today)``: the same visits
   and activities through the ORM (followers, computed fields), in batches of 1,000. Target:
   a constant number of queries per batch (at most ``TARGET_QUERIES_PER_BATCH``) and at most
   ``TARGET_RATIO`` times the baseline.
3. For information: the wear refresh (``_crm_refresh_wear``) over every equipment, and a
   second planning run when nothing is due (both idle figures).
"""

import datetime
import math
import sys
import time

from benchlib import PROJECT_DIR, CursorStep, add_count, make_parser, say, verdict

DEFAULT_EQUIPMENT = 200_000
MIN_CUSTOMERS = 200
TARGET_QUERIES_PER_BATCH = 60
TARGET_RATIO = 30.0


def setup(env, count, today):
    sys.path.insert(0, str(PROJECT_DIR / "data"))
    from crm_generate.database import Database
    from crm_generate.equipment import generate_equipment

    admin = env.ref("base.user_admin")
    product = env["product.product"].create(
        {"name": "Bench Boiler", "type": "consu", "crm_tracked_at_customer": True, "crm_warranty_months": 24}
    )
    plan = env["crm.equipment.plan"].create(
        {
            "name": "Bench boiler service",
            "product_id": product.id,
            "interval_months": 12,
            "lead_days": 14,
            "life_months": 120,
        }
    )
    team = env["crm.service.team"].create({"name": "Bench field service", "leader_id": admin.id})
    env.company.crm_equipment_team_id = team
    customers = env["res.partner"].search_count([("is_company", "=", True), ("parent_id", "=", False)])
    if customers < MIN_CUSTOMERS:
        env["res.partner"].create(
            [
                {"name": f"Bench equipment customer {index}", "is_company": True}
                for index in range(MIN_CUSTOMERS)
            ]
        )
    env.flush_all()
    db = Database.wrap(env.cr._cnx)
    ids = generate_equipment(db, count, today, commit=False, plan_id=plan.id)
    env.cr.execute("ANALYZE crm_equipment")
    env.cr.execute("ANALYZE crm_service_visit")
    env.invalidate_all()
    return ids


def baseline_sql(today, admin, model, todo):
    from odoo.tools import SQL

    return SQL(
        """
        WITH due AS (
            SELECT e.id, e.partner_id, e.company_id, e.product_id, e.next_due,
                   COALESCE(e.user_id, team.leader_id, default_team.leader_id, %(admin)s) AS user_id
              FROM crm_equipment e
              JOIN res_partner p ON p.id = e.partner_id
              JOIN res_company c ON c.id = e.company_id
         LEFT JOIN crm_service_team team ON team.id = p.service_team_id AND team.active
         LEFT JOIN crm_service_team default_team ON default_team.id = c.crm_equipment_team_id
             WHERE e.next_plan_date <= %(today)s AND e.active AND e.state != 'retired'
               AND NOT EXISTS (
                     SELECT 1 FROM crm_service_visit v
                      WHERE v.equipment_id = e.id AND v.visit_type = 'preventive'
                        AND (v.state = 'planned' OR v.plan_due_date = e.next_due))
        ), visits AS (
            INSERT INTO crm_service_visit (equipment_id, partner_id, company_id, product_id, visit_type,
                                           state, scheduled_date, plan_due_date, user_id,
                                           create_uid, write_uid, create_date, write_date)
            SELECT id, partner_id, company_id, product_id, 'preventive', 'planned', next_due, next_due,
                   user_id, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM due
         RETURNING id, user_id, scheduled_date
        )
        INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, summary, date_deadline,
                                   user_id, active, create_uid, write_uid, create_date, write_date)
        SELECT %(model)s, 'crm.service.visit', visits.id, %(todo)s, 'Preventive visit due',
               GREATEST(visits.scheduled_date, %(today)s), visits.user_id, TRUE, 1, 1,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM visits
        """,
        today=today,
        admin=admin,
        model=model,
        todo=todo,
    )


def run(odoo, dbname, args):
    from odoo.modules.registry import Registry

    from odoo.addons.crm_service.models.crm_equipment_planning import CRON_BATCH_SIZE

    registry = Registry(dbname)
    odoo.tools.config["test_enable"] = True
    out = {}
    with registry.cursor() as cr:
        context = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, context)
        Equipment = env["crm.equipment"]
        today = datetime.date.today()
        began = time.perf_counter()
        ids = setup(env, args.equipment, today)
        # every equipment due is planned, the database's own (demo data) with the generated ones
        cr.execute("SELECT COUNT(*) FROM crm_equipment WHERE next_plan_date <= %s", (today,))
        out["due"] = cr.fetchone()[0]
        say(
            f"  ({len(ids):,} equipment, {out['due']:,} due for planning,"
            f" ready in {time.perf_counter() - began:.0f} s)"
        )

        say("  1. baseline: bare SQL")
        sql = baseline_sql(
            today,
            env.ref("base.user_admin").id,
            env["ir.model"]._get_id("crm.service.visit"),
            env.ref("mail.mail_activity_data_todo").id,
        )
        cr.execute("SAVEPOINT bench_visits_baseline")
        with CursorStep(cr) as step:
            cr.execute(sql)
        out["baseline_rows"] = cr.rowcount
        cr.execute("ROLLBACK TO SAVEPOINT bench_visits_baseline")
        out["baseline"] = step

        say("  2. the cron's planning step through the ORM")
        with CursorStep(cr) as step:
            planned = Equipment._crm_plan_due_visits(today)
        out["planned"] = planned
        out["batches"] = max(1, math.ceil(planned / CRON_BATCH_SIZE))
        out["cron"] = step

        say("  3. for information: wear refresh, and planning when nothing is due")
        with CursorStep(cr) as step:
            Equipment._crm_refresh_wear(today)
        out["wear"] = step
        with CursorStep(cr) as step:
            again = Equipment._crm_plan_due_visits(today)
        assert again == 0, again
        out["idle"] = step
        cr.rollback()
    return out


def report(args, out):
    baseline, cron = out["baseline"], out["cron"]
    per_batch = cron.queries / out["batches"]
    ratio = cron.seconds / baseline.seconds if baseline.seconds else float("inf")
    met = (
        out["planned"] == out["baseline_rows"]
        and per_batch <= TARGET_QUERIES_PER_BATCH
        and ratio <= TARGET_RATIO
    )
    say("")
    say(f"Visit planning over {args.equipment:,} equipment, {out['due']:,} due:")
    say(
        f"  baseline (bare SQL):  {baseline.seconds:8.2f} s"
        f"  {out['baseline_rows']:,} visits with their activities"
    )
    say(
        f"  cron (ORM, batches): {cron.seconds:8.2f} s  {out['planned']:,} visits"
        f" in {out['batches']:,} batches,"
        f" {cron.queries:,} queries, {per_batch:.1f} queries per batch"
    )
    say(
        f"  ratio cron / baseline: {ratio:.1f}x (target at most {TARGET_RATIO:.0f}x,"
        f" at most {TARGET_QUERIES_PER_BATCH} queries per batch): {verdict(met)}"
    )
    say(f"  wear refresh of every equipment: {out['wear'].seconds:.2f} s, {out['wear'].queries:,} queries")
    say(f"  planning when nothing is due:    {out['idle'].seconds:.3f} s, {out['idle'].queries:,} queries")
    return 0 if met else 1


def add_options(parser):
    add_count(parser, "--equipment", "BENCH_VISITS_EQUIPMENT", DEFAULT_EQUIPMENT, "equipment generated")


def report_part(args, out):
    """The part's report for bench_care.py: the names of the targets missed."""
    return ["visit planning"] if report(args, out) else []


def parse_args(argv):
    parser = make_parser(__doc__, "a database with crm_service installed")
    add_options(parser)
    args = parser.parse_args(argv)
    if args.equipment < 1:
        parser.error("--equipment is at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    import odoo

    odoo.tools.config.parse_config(["-c", str(args.config), "--log-level=warn"])
    say(f"Visit planning benchmark: {args.equipment:,} equipment")
    try:
        out = run(odoo, args.database, args)
    finally:
        odoo.sql_db.close_all()
    return report(args, out)


if __name__ == "__main__":
    sys.exit(main())
