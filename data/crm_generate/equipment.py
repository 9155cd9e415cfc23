"""The installed base of ``--equipment``: equipment at the database's customer companies, with
the preventive visits they had, for the visit-planning benchmark (tests/bench/visits_part.py,
a part of bench_care.py).

Needs crm_service and a product tracked at customers (``crm_tracked_at_customer``) with a
maintenance plan by months (``crm.equipment.plan``): the first such plan is used. Each
equipment gets an installation date over the last ``INSTALL_YEARS`` years and, when older than
the plan's interval, one done preventive visit on its last service date (installation plus a
whole number of intervals, before ``today``), so that the next due dates spread over the coming
interval as in a company serving its base regularly: about ``lead days / interval`` of them are
due for planning on any day. Rows are written with COPY in chunks of ``CHUNK_SIZE``, one
transaction per chunk (none when the caller passes its own transaction: ``commit=False``).
The stored wear is left at 0: the daily cron computes it.
"""

import datetime
import random

from dateutil.relativedelta import relativedelta

from .database import NULL, id_text, say

CHUNK_SIZE = 20_000
INSTALL_YEARS = 6
SERIAL_PREFIX = "GEN-EQ-"

EQUIPMENT_COLUMNS = (
    "id",
    "name",
    "active",
    "company_id",
    "partner_id",
    "product_id",
    "product_tmpl_id",
    "serial",
    "install_date",
    "state",
    "plan_id",
    "meter_value",
    "usage_total",
    "last_service_date",
    "last_service_usage",
    "next_due",
    "next_plan_date",
    "wear_percent",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)
VISIT_COLUMNS = (
    "equipment_id",
    "partner_id",
    "company_id",
    "product_id",
    "visit_type",
    "state",
    "scheduled_date",
    "date",
    "usage_at_visit",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)


def schedule(install, today, months, lead_days):
    """(last service date or None, next due, next plan date) of equipment installed on
    ``install`` served every ``months`` months up to ``today``. Pure."""
    last = None
    step = 1
    while install + relativedelta(months=months * step) < today:
        last = install + relativedelta(months=months * step)
        step += 1
    due = (last or install) + relativedelta(months=months)
    return last, due, due - datetime.timedelta(days=lead_days)


def load_plan(db, plan_id=None):
    rows = db.fetchall(
        """SELECT p.id, p.product_id, pp.product_tmpl_id, p.interval_months, p.lead_days,
                  COALESCE(pt.name->>'en_US', pt.name->>(SELECT MIN(k) FROM jsonb_object_keys(pt.name) k))
             FROM crm_equipment_plan p
             JOIN product_product pp ON pp.id = p.product_id
             JOIN product_template pt ON pt.id = pp.product_tmpl_id
            WHERE p.active AND p.equipment_id IS NULL AND pt.crm_tracked_at_customer AND p.interval_months > 0
              AND (%s IS NULL OR p.id = %s)
         ORDER BY p.id LIMIT 1""",
        (plan_id, plan_id),
    )
    if not rows:
        raise SystemExit(
            "--equipment needs a product tracked at customers with a maintenance plan by months "
            "(Customer Service > Configuration > Maintenance Plans)."
        )
    return rows[0]


def generate_equipment(db, count, today, seed=42, commit=True, plan_id=None):
    """COPY ``count`` equipment (and their last preventive visits) spread over the customer
    companies of the database, on the plan ``plan_id`` (default: the first plan by months of a
    product tracked at customers); returns the ids written."""
    plan_id, product_id, template_id, months, lead_days, product_name = load_plan(db, plan_id)
    company = db.xmlid("base", "main_company")
    admin = db.xmlid("base", "user_admin") or 2
    customers = [
        row[0]
        for row in db.fetchall(
            "SELECT id FROM res_partner WHERE is_company AND active AND parent_id IS NULL"
            " AND (company_id IS NULL OR company_id = %s) ORDER BY id",
            (company,),
        )
    ]
    if not customers:
        raise SystemExit("--equipment needs customer companies: generate partners first (--partners).")
    db.check_required("crm_equipment", EQUIPMENT_COLUMNS)
    start = db.fetchall("SELECT COUNT(*) FROM crm_equipment WHERE serial LIKE %s", (SERIAL_PREFIX + "%",))[0][
        0
    ]
    rng = random.Random(seed)
    now = datetime.datetime.combine(today, datetime.time(12, 0)).isoformat(sep=" ")
    span = INSTALL_YEARS * 365
    written = []
    for offset in range(0, count, CHUNK_SIZE):
        size = min(CHUNK_SIZE, count - offset)
        ids = db.next_ids("crm_equipment", size)
        equipment_lines, visit_lines = [], []
        for index, equipment_id in enumerate(ids, start=start + offset):
            partner = customers[rng.randrange(len(customers))]
            install = today - datetime.timedelta(days=rng.randrange(1, span))
            last, due, plan_date = schedule(install, today, months, lead_days)
            serial = f"{SERIAL_PREFIX}{index:07d}"
            equipment_lines.append(
                "\t".join(
                    (
                        str(equipment_id),
                        f"{product_name} ({serial})".replace("\t", " ").replace("\\", "\\\\"),
                        "t",
                        str(company),
                        str(partner),
                        str(product_id),
                        str(template_id),
                        serial,
                        install.isoformat(),
                        "in_service",
                        str(plan_id),
                        "0",
                        "0",
                        last.isoformat() if last else NULL,
                        "0",
                        due.isoformat(),
                        plan_date.isoformat(),
                        "0",
                        id_text(admin),
                        id_text(admin),
                        now,
                        now,
                    )
                )
            )
            if last:
                visit_lines.append(
                    "\t".join(
                        (
                            str(equipment_id),
                            str(partner),
                            str(company),
                            str(product_id),
                            "preventive",
                            "done",
                            last.isoformat(),
                            last.isoformat(),
                            "0",
                            id_text(admin),
                            id_text(admin),
                            now,
                            now,
                        )
                    )
                )
        db.copy_lines("crm_equipment", EQUIPMENT_COLUMNS, equipment_lines)
        db.copy_lines("crm_service_visit", VISIT_COLUMNS, visit_lines)
        if commit:
            db.commit()
        written += ids
        say(f"equipment: {offset + size:,} of {count:,}")
    return written
