"""Open service cases of crm_service for the generated customers (``--cases``).

Each case belongs to a generated company (a commercial partner whose ``ref`` carries the
generator's marker), is open in the first ``open`` stage of the database, on the service team
``--case-team`` (by name; default the first active desk team of the main company), assigned
to its leader or one of its members, and counts its SLA on the policy ``--case-policy`` (by
name; default the first active policy of that company by sequence, none if there is none).
Clocks started over the last ``--case-days`` days before ``--today``.

With a policy, each case gets its two SLA lines (response and resolution) with the clock
running since the case was opened, no hour used yet, and **no deadline**: deadlines are
working-hour arithmetic on the policy's calendar (its time zone, breaks, leaves and public
holidays), which is crm_service's engine, not this generator. Plan them in Odoo with
``env["crm.complaint.sla.line"]._crm_replan_calendars(calendars)`` (the SLA benchmark does;
an SLA cron run alone does not plan lines without a deadline).

Cases are named ``CASE-GEN-<n>`` after the highest such number in the database, so a rerun
adds cases. Written with ``COPY`` in chunks of ``CHUNK_SIZE``, one transaction each.
"""

import datetime
import uuid

from .database import copy_text, say
from .specs import MARKER_PATTERN, make_rng

CHUNK_SIZE = 20_000
CASE_DAYS = 3
NAME_PREFIX = "CASE-GEN-"
CHANNELS = ("email", "phone", "portal")
SUBJECTS = (
    "Delivery arrived damaged",
    "Invoice amount does not match the order",
    "Device stops after a few minutes",
    "Missing parts in the package",
    "Question about the warranty",
    "Login to the portal fails",
)
#: partners of a company per case chunk sampled from
CUSTOMER_SAMPLE = 100_000


def _one(db, query, params, what):
    rows = db.fetchall(query, params)
    if not rows:
        raise SystemExit(f"[generate] --cases: {what}")
    return rows[0]


def load_case_reference(db, args):
    """The team, stage, policy, assignees and customers the cases use, read from the database."""
    company = db.xmlid("base", "main_company")
    if args.case_team:
        team = _one(
            db,
            "SELECT id, company_id, leader_id, tier FROM crm_service_team"
            " WHERE active AND name->>'en_US' = %s ORDER BY id LIMIT 1",
            (args.case_team,),
            f"no active service team is named {args.case_team!r}: create it or name another one.",
        )
    else:
        team = _one(
            db,
            "SELECT id, company_id, leader_id, tier FROM crm_service_team WHERE active AND company_id = %s"
            " ORDER BY tier, sequence, id LIMIT 1",
            (company,),
            "the main company has no active service team: create one (Customer Service > Configuration).",
        )
    team_id, company_id, leader_id, tier = team
    members = [
        row[0]
        for row in db.fetchall(
            "SELECT user_id FROM crm_service_team_member_rel WHERE team_id = %s ORDER BY user_id",
            (team_id,),
        )
    ]
    assignees = members or ([leader_id] if leader_id else [])
    (stage_id,) = _one(
        db,
        "SELECT id FROM crm_complaint_stage WHERE state = 'open' ORDER BY sequence, id LIMIT 1",
        None,
        "no case stage has the state 'open'.",
    )
    policy_query = (
        "SELECT id, response_hours, resolution_hours, warn_ratio FROM crm_sla_policy"
        " WHERE active AND company_id = %s{} ORDER BY sequence, id LIMIT 1"
    )
    if args.case_policy:
        policy = _one(
            db,
            policy_query.format(" AND name->>'en_US' = %s"),
            (company_id, args.case_policy),
            f"no active SLA policy of the team's company is named {args.case_policy!r}.",
        )
    else:
        rows = db.fetchall(policy_query.format(""), (company_id,))
        policy = rows[0] if rows else None
    customers = [
        row[0]
        for row in db.fetchall(
            "SELECT id FROM res_partner WHERE ref ~ %s AND is_company AND parent_id IS NULL"
            " AND (company_id IS NULL OR company_id = %s) ORDER BY id LIMIT %s",
            (MARKER_PATTERN, company_id, CUSTOMER_SAMPLE),
        )
    ]
    if not customers:
        raise SystemExit("[generate] --cases: no generated company to file cases for: add --partners.")
    return {
        "company_id": company_id,
        "team_id": team_id,
        "tier": tier,
        "assignees": assignees,
        "stage_id": stage_id,
        "policy": policy,
        "customers": customers,
    }


def case_number_start(db):
    rows = db.fetchall(
        "SELECT max(substring(name FROM %s)::int) FROM crm_complaint WHERE name ~ %s",
        (f"^{NAME_PREFIX}([0-9]+)$", f"^{NAME_PREFIX}[0-9]+$"),
    )
    return (rows[0][0] or 0) + 1


CASE_COLUMNS = (
    "id",
    "name",
    "subject",
    "case_type",
    "company_id",
    "partner_id",
    "commercial_partner_id",
    "channel",
    "severity",
    "priority_sort",
    "team_id",
    "user_id",
    "tier_level",
    "service_model",
    "escalation_level",
    "stage_id",
    "state",
    "kanban_state",
    "reopen_count",
    "sla_policy_id",
    "sla_state",
    "access_token",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)
LINE_COLUMNS = (
    "complaint_id",
    "company_id",
    "policy_id",
    "target",
    "target_hours",
    "warn_ratio",
    "state",
    "start_date",
    "consumed_hours",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)


def case_rows(seed, first, count, ids, ref, now, days):
    """COPY lines of ``count`` cases numbered from ``first`` (ids given), and of their SLA lines."""
    rng = make_rng(seed, "case", first)
    policy = ref["policy"]
    cases, lines = [], []
    for offset, case_id in enumerate(ids):
        opened = now - datetime.timedelta(seconds=rng.randrange(days * 24 * 3600))
        customer = rng.choice(ref["customers"])
        user = rng.choice(ref["assignees"]) if ref["assignees"] else None
        cases.append(
            "\t".join(
                copy_text(value)
                for value in (
                    case_id,
                    f"{NAME_PREFIX}{first + offset}",
                    rng.choice(SUBJECTS),
                    "request",
                    ref["company_id"],
                    customer,
                    customer,
                    rng.choice(CHANNELS),
                    "2",
                    2,
                    ref["team_id"],
                    user,
                    ref["tier"],
                    "tiered",
                    0,
                    ref["stage_id"],
                    "open",
                    "normal",
                    0,
                    policy[0] if policy else None,
                    "ok" if policy else None,
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    1,
                    1,
                    opened,
                    opened,
                )
            )
        )
        if policy:
            _policy_id, response_hours, resolution_hours, warn_ratio = policy
            for target, hours in (("response", response_hours), ("resolution", resolution_hours)):
                lines.append(
                    "\t".join(
                        copy_text(value)
                        for value in (
                            case_id,
                            ref["company_id"],
                            policy[0],
                            target,
                            hours,
                            warn_ratio,
                            "ok",
                            opened,
                            0.0,
                            1,
                            1,
                            opened,
                            opened,
                        )
                    )
                )
    return cases, lines


def generate_cases(db, args, now):
    """``args.cases`` open cases (and their running SLA lines) for the generated companies."""
    ref = load_case_reference(db, args)
    db.check_required("crm_complaint", CASE_COLUMNS)
    db.check_required("crm_complaint_sla_line", LINE_COLUMNS)
    db.bulk_mode()
    first = case_number_start(db)
    written = 0
    while written < args.cases:
        count = min(CHUNK_SIZE, args.cases - written)
        ids = db.next_ids("crm_complaint", count)
        cases, lines = case_rows(args.seed, first + written, count, ids, ref, now, args.case_days)
        db.copy_lines("crm_complaint", CASE_COLUMNS, cases)
        if lines:
            db.copy_lines("crm_complaint_sla_line", LINE_COLUMNS, lines)
        db.commit()
        written += count
    policy = f"SLA policy {ref['policy'][0]}, deadlines to plan" if ref["policy"] else "no SLA policy"
    say(f"{written} open cases ({NAME_PREFIX}{first}...) on team {ref['team_id']}, {policy}")
    return written
