"""The partners: the salespeople who own them (found or created), the pools and their rules,
the COPY lines of a chunk of partner specs with their timeline events (:func:`partner_rows`,
run in the worker) and :func:`generate_partners`, which writes them chunk by chunk."""

import collections
import time

from .database import (
    copy_text,
    pipelined,
    say,
)
from .specs import (
    INDEX_LIMIT,
    KEY_COLUMNS,
    LEVEL_RULES,
    MARKER_PATTERN,
    STAGE_SHARES,
    STAGE_TRIGGERS,
    chunk_segments,
    load_normalize,
    partner_keys,
    partner_specs,
    split_count,
)
from .words import (
    PHONE_PREFIXES,
    SALESPEOPLE_NAMES,
)

ANALYZED_TABLES = ("res_partner", "crm_partner_event")  # planner statistics refreshed at the end


# ---------------------------------------------------------------------------
# Salespeople
# ---------------------------------------------------------------------------


def group_closure(db, group_ids):
    """The groups and every group they imply."""
    closure = set(group_ids)
    frontier = set(group_ids)
    while frontier:
        rows = db.fetchall("SELECT hid FROM res_groups_implied_rel WHERE gid = ANY(%s)", (list(frontier),))
        frontier = {row[0] for row in rows} - closure
        closure |= frontier
    return closure


USER_COLUMNS = (
    "login",
    "partner_id",
    "company_id",
    "active",
    "share",
    "notification_type",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)


def ensure_salespeople(db, count, prefix, now):
    """``count`` salespeople to own the partners: existing ones first, then generated ones.

    Returns [(user_id, team_id or None)], ordered by user id. Generated users
    (login ``<prefix>.sales<N>@example.com``, no password) are members of the
    default sales team.
    """
    salesman = db.xmlid("sales_team", "group_sale_salesman")
    employee = db.xmlid("base", "group_user")
    team = db.xmlid("sales_team", "team_sales_department")
    company = db.xmlid("base", "main_company")
    admin = db.xmlid("base", "user_admin") or 2
    existing = db.fetchall(
        "SELECT u.id FROM res_users u JOIN res_groups_users_rel r ON r.uid = u.id AND r.gid = %s"
        " WHERE u.active AND NOT COALESCE(u.share, FALSE) AND u.id != 1 ORDER BY u.id",
        (salesman,),
    )
    user_ids = [row[0] for row in existing]
    missing = count - len(user_ids)
    if missing > 0:
        db.check_required("res_users", USER_COLUMNS)
        groups = sorted(group_closure(db, [employee, salesman]))
        partner_columns = db.columns("res_partner")
        base_values = {key: value for key, value in PARTNER_CONSTANTS.items() if key in partner_columns}
        for number in range(1, missing + 1):
            name = SALESPEOPLE_NAMES[(number - 1) % len(SALESPEOPLE_NAMES)]
            login = f"{prefix.lower()}.sales{len(user_ids) + 1}@example.com"
            found = db.fetchall("SELECT id FROM res_users WHERE login = %s", (login,))
            if found:  # an earlier run made it, but it lost the group: use it anyway
                user_ids.append(found[0][0])
                continue
            values = dict(
                base_values,
                active=True,
                name=name,
                complete_name=name,
                email=login,
                email_normalized=login,
                company_id=company,
                is_company=False,
                partner_share=False,
                create_date=now,
                write_date=now,
                create_uid=admin,
                write_uid=admin,
            )
            values = {key: value for key, value in values.items() if key in partner_columns}
            db.cr.execute(
                "INSERT INTO res_partner ({}) VALUES ({}) RETURNING id".format(
                    ", ".join(values), ", ".join(["%s"] * len(values))
                ),
                list(values.values()),
            )
            partner_id = db.cr.fetchone()[0]
            db.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = %s", (partner_id,))
            db.cr.execute(
                f"INSERT INTO res_users ({', '.join(USER_COLUMNS)})"
                " VALUES (%s, %s, %s, TRUE, FALSE, 'email', %s, %s, %s, %s) RETURNING id",
                (login, partner_id, company, now, now, admin, admin),
            )
            user_id = db.cr.fetchone()[0]
            db.cr.execute(
                "INSERT INTO res_groups_users_rel (gid, uid) SELECT unnest(%s::int[]), %s", (groups, user_id)
            )
            db.cr.execute(
                "INSERT INTO res_company_users_rel (cid, user_id) VALUES (%s, %s)", (company, user_id)
            )
            if team:
                db.cr.execute(
                    "INSERT INTO crm_team_member (crm_team_id, user_id, active, create_date, write_date,"
                    " create_uid, write_uid) VALUES (%s, %s, TRUE, %s, %s, %s, %s)",
                    (team, user_id, now, now, admin, admin),
                )
            user_ids.append(user_id)
        say(f"{missing} salespeople created (logins {prefix.lower()}.salesN@example.com, no password)")
    user_ids = sorted(user_ids[:count])
    teams = dict(
        db.fetchall(
            "SELECT DISTINCT ON (user_id) user_id, crm_team_id FROM crm_team_member"
            " WHERE active AND user_id = ANY(%s) ORDER BY user_id, id",
            (user_ids,),
        )
    )
    return [(user_id, teams.get(user_id)) for user_id in user_ids]


# ---------------------------------------------------------------------------
# Partners
# ---------------------------------------------------------------------------

# Columns of res_partner the generator fills, in the order of the COPY rows: the two ids
# (added by the writing process), the values of each partner, then the constant ones.
PARTNER_ID_COLUMNS = ("id", "commercial_partner_id")
PARTNER_COLUMNS = (
    "name",
    "complete_name",
    "commercial_company_name",
    "ref",
    "email",
    "email_normalized",
    "phone",
    "phone_sanitized",
    "mobile",
    "vat",
    "country_id",
    "city",
    "lang",
    "user_id",
    "crm_team_id",
    "active",
    "customer_rank",
    "create_date",
    "write_date",
    "lifecycle_stage_id",
    "lifecycle_stage_date",
    "owner_since",
    *KEY_COLUMNS,
)
# Ownership columns (crm_lifecycle's pools), written after PARTNER_COLUMNS when the database
# has them: the schedule the release cron reads is written too, as the addon computes it.
OWNERSHIP_COLUMNS = (
    "crm_pool_state",
    "crm_pool_id",
    "crm_locked",
    "last_contact_date",
    "previous_owner_id",
    "crm_released_date",
    "crm_release_reason",
    "ownership_deadline",
    "crm_release_rule",
    "crm_release_days",
    "next_followup_date",
)
# The ownership timeline: an assignment for each owned partner, a release for each partner
# given back to the pool.
OWNERSHIP_EVENT_COLUMNS = (
    "partner_id",
    "event_type",
    "date",
    "user_id",
    "from_user_id",
    "to_user_id",
    "reason",
    "trigger",
    "company_id",
    "pool_id",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
# What the ORM writes on a new company partner; only the columns that exist are written.
PARTNER_CONSTANTS = {
    "is_company": True,
    "type": "contact",
    "color": 0,
    "employee": False,
    "partner_share": True,
    "message_bounce": 0,
    "supplier_rank": 0,
    "autopost_bills": "ask",
    "invoice_warn": "no-message",
    "sale_warn": "no-message",
}
EVENT_COLUMNS = (
    "partner_id",
    "event_type",
    "date",
    "user_id",
    "from_stage_id",
    "to_stage_id",
    "trigger",
    "company_id",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)


def partner_rows(job):
    """The COPY lines of one chunk of partners and of their timelines.

    Runs in a worker process while the main one writes the previous chunk.
    ``job`` holds the chunk (``seed``, ``start``, ``count``, ``options``) and what
    the database told (``stages``, ``countries``, ``langs``, ``owners``, ``admin``,
    ``company``, ``prefix``, ``constants``: the COPY text of the constant columns;
    ``pools``: the ids of the company's pools, in the order of the options' ``pool_rules``,
    when the ownership columns are written, else empty).

    :return: ``(partner_lines, event_lines, ownership_event_lines)``: a partner line
        lacks its two leading ids; an event line is ``(position of its partner in the
        chunk, text after the partner id)``, in the columns ``EVENT_COLUMNS``, or
        ``OWNERSHIP_EVENT_COLUMNS`` for the ownership ones
    """
    normalize = load_normalize()
    stages, countries, owners = job["stages"], job["countries"], job["owners"]
    admin, company, prefix, langs = job["admin"], job["company"], job["prefix"], job["langs"]
    constants, pools = job["constants"], job.get("pools")
    partner_lines = []
    event_lines = []
    ownership_event_lines = []
    specs = partner_specs(job["seed"], job["start"], job["count"], **job["options"])
    for position, spec in enumerate(specs):
        user_id, team_id = owners[spec["owner"]] if spec["owner"] is not None else (None, None)
        name, email = spec["name"], spec["email"]
        keys = partner_keys(normalize, spec)
        values = (
            name,
            name,
            name,
            f"{prefix}-{spec['index']:08d}",
            email,
            email.lower(),
            spec["phone"],
            spec["phone_e164"],
            spec["mobile"],
            spec["vat"],
            countries.get(spec["country_code"]),
            spec["city"],
            spec["lang"] if spec["lang"] in langs else "en_US",
            user_id,
            team_id,
            spec["active"],
            1 if spec["stage"] == "customer" else 0,
            spec["create_date"],
            max(spec["stage_date"], spec["owner_since"] or spec["released_date"] or spec["create_date"]),
            stages[spec["stage"]],
            spec["stage_date"],
            spec["owner_since"],
            *keys.values(),
        )
        if pools:
            pool = pools[spec["pool"]]
            values += _ownership_values(spec, owners, pool)
            for event in _ownership_events(spec, owners, admin, company, pool):
                ownership_event_lines.append((position, event))
        partner_lines.append("\t".join([copy_text(value) for value in values]) + constants)
        for event in _stage_events(spec, stages, user_id or admin, admin, company):
            event_lines.append((position, event))
    return partner_lines, event_lines, ownership_event_lines


def _ownership_values(spec, owners, pool):
    """The values of ``OWNERSHIP_COLUMNS`` of a partner spec."""
    previous = owners[spec["previous_owner"]][0] if spec["previous_owner"] is not None else None
    return (
        spec["pool_state"],
        pool,
        False,
        spec["last_contact_date"],
        previous,
        spec["released_date"],
        spec["release_reason"],
        spec["deadline"],
        spec["release_rule"],
        spec["release_days"],
        spec["followup_date"],
    )


def _ownership_events(spec, owners, admin, company, pool):
    """The COPY lines (after the partner id, in ``OWNERSHIP_EVENT_COLUMNS``) of the ownership
    timeline: the assignment to the owner, or the release of the previous owner by a rule."""
    if spec["owner"] is not None:
        date = spec["owner_since"]
        values = ("assign", date, admin, None, owners[spec["owner"]][0], None, "import")
    elif spec["released_date"]:
        date = spec["released_date"]
        previous = owners[spec["previous_owner"]][0]
        values = ("release", date, admin, previous, None, spec["release_reason"], "timeout")
    else:
        return
    yield "\t".join(copy_text(value) for value in (*values, company, pool, date, date, admin, admin))


def _stage_events(spec, stages, user_id, admin, company):
    """The COPY lines (after the partner id) of the timeline of a generated partner: one
    stage event per stage it went through, between its creation and its current stage."""
    history = spec["history"]
    first, last = spec["create_date"], spec["stage_date"]
    steps = len(history) - 1
    previous = "\\N"
    tail = f"\t{admin}\t{admin}"
    for position, code in enumerate(history):
        date = (
            str((first + (last - first) * (position / steps)).replace(microsecond=0)) if steps else str(first)
        )
        stage = stages[code]
        trigger = STAGE_TRIGGERS[code]
        yield f"stage\t{date}\t{user_id}\t{previous}\t{stage}\t{trigger}\t{company}\t{date}\t{date}{tail}"
        previous = stage


def next_partner_index(db):
    """The first free global index: after the highest one of any earlier run."""
    rows = db.fetchall(
        "SELECT max(split_part(ref, '-', 2)::int) FROM res_partner WHERE ref ~ %s", (MARKER_PATTERN,)
    )
    return (rows[0][0] + 1) if rows and rows[0][0] is not None else 0


def load_pools(db, company):
    """The active pools of ``company``, the default one first, as dicts: ``id``, ``rules``
    (see :func:`load_pool_rules`), ``teams`` (ids of the sales teams whose customers it
    holds) and ``exempt`` (its exemptions of customers with a deal, with an open opportunity).

    [] when the database has no pools (crm_lifecycle before its ownership part).
    """
    default_id, default_rules = load_pool_rules(db, company)
    if default_id is None:
        return []
    others = db.fetchall(
        "SELECT id FROM crm_pool WHERE company_id = %s AND active AND id != %s ORDER BY sequence, id",
        (company, default_id),
    )
    pools = [{"id": default_id, "rules": default_rules}]
    pools += [{"id": pool_id, "rules": load_pool_rules(db, company, pool_id)[1]} for (pool_id,) in others]
    ids = [pool["id"] for pool in pools]
    teams = collections.defaultdict(list)
    for pool_id, team_id in db.fetchall(
        "SELECT crm_pool_id, crm_team_id FROM crm_pool_crm_team_rel WHERE crm_pool_id = ANY(%s)", (ids,)
    ):
        teams[pool_id].append(team_id)
    exempt = {}
    if "exempt_deal_customers" in db.columns("crm_pool"):
        exempt = {
            pool_id: (deal, opportunity)
            for pool_id, deal, opportunity in db.fetchall(
                "SELECT id, exempt_deal_customers, exempt_open_opportunity FROM crm_pool WHERE id = ANY(%s)",
                (ids,),
            )
        }
    for pool in pools:
        pool.update(teams=sorted(teams[pool["id"]]), exempt=exempt.get(pool["id"], (False, False)))
    return pools


def pools_of_owners(pools, owners):
    """The position in ``pools`` of the pool of each of ``owners`` ((user id, team id)): the
    first pool holding the customers of the owner's team, else the default one (as
    crm_lifecycle's ``crm.pool._get_for_team``)."""
    by_team = {}
    for position, pool in enumerate(pools):
        for team in pool["teams"]:
            by_team.setdefault(team, position)
    return [by_team.get(team_id, 0) for _user_id, team_id in owners]


def load_pool_rules(db, company, pool_id=None):
    """(id, rules) of the pool ``pool_id``, by default the default pool of ``company``, whose
    rules the ownership dates follow: its day limits, its levels by stage and the stages'
    follow-up intervals.

    (None, None) when the database has no pools (crm_lifecycle before its ownership part).
    """
    partner_columns = db.columns("res_partner")
    if "crm_pool_state" not in partner_columns:
        return None, None
    missing = [column for column in OWNERSHIP_COLUMNS if column not in partner_columns]
    missing += [
        f"crm_partner_event.{column}"
        for column in OWNERSHIP_EVENT_COLUMNS
        if column not in db.columns("crm_partner_event")
    ]
    if missing:
        raise SystemExit(f"The database lacks the columns {', '.join(missing)}: is crm_lifecycle up to date?")
    names = ("no_contact_days", "no_opportunity_days", "no_deal_days", "protection_days", "warn_days")
    if pool_id:
        rows = db.fetchall(
            f"SELECT id, {', '.join(names)}, followup_days FROM crm_pool WHERE id = %s", (pool_id,)
        )
    else:
        rows = db.fetchall(
            f"SELECT id, {', '.join(names)}, followup_days FROM crm_pool"
            " WHERE company_id = %s AND is_default ORDER BY active DESC, id LIMIT 1",
            (company,),
        )
    if not rows:
        raise SystemExit("The company has no default customer pool: update crm_lifecycle (-u).")
    pool_id, *days = rows[0]
    rules = dict(zip((*names, "followup_days"), days, strict=True))
    rules["levels"] = {}
    for code, *level in db.fetchall(
        f"SELECT s.code, {', '.join(f'l.{name}' for name in LEVEL_RULES)}"
        "  FROM crm_pool_level l JOIN crm_lifecycle_stage s ON s.id = l.lifecycle_stage_id"
        " WHERE l.pool_id = %s ORDER BY l.sequence, l.id",
        (pool_id,),
    ):
        rules["levels"].setdefault(code, dict(zip(LEVEL_RULES, level, strict=True)))
    rules["stage_followup_days"] = {}
    if "followup_days" in db.columns("crm_lifecycle_stage"):
        rules["stage_followup_days"] = dict(
            db.fetchall("SELECT code, followup_days FROM crm_lifecycle_stage")
        )
    return pool_id, rules


def generate_partners(db, args, now, pool=None):
    """COPY ``args.partners`` commercial partners, their stage timelines and, when the
    database has pools, their ownership in the company's pools.

    ``pool`` (a multiprocessing pool) builds the rows of the next chunk while this
    process writes the current one; without it, everything runs here.
    """
    columns = db.columns("res_partner")
    missing = [column for column in PARTNER_COLUMNS if column not in columns]
    if missing:
        raise SystemExit(
            f"res_partner lacks the columns {', '.join(missing)}: is crm_lifecycle installed and up to date?"
        )
    constants = {key: value for key, value in PARTNER_CONSTANTS.items() if key in columns}
    admin = db.xmlid("base", "user_admin") or 2
    constants.update(create_uid=admin, write_uid=admin)
    company = db.xmlid("base", "main_company")
    pools = load_pools(db, company)
    ownership = OWNERSHIP_COLUMNS if pools else ()
    names = [*PARTNER_ID_COLUMNS, *PARTNER_COLUMNS, *ownership, *constants]
    db.check_required("res_partner", names)
    db.check_required("crm_partner_event", EVENT_COLUMNS)
    stages = dict(db.fetchall("SELECT code, id FROM crm_lifecycle_stage WHERE active"))
    missing_stages = [code for code in STAGE_SHARES if code not in stages]
    if missing_stages:
        raise SystemExit(f"Lifecycle stages missing (codes): {', '.join(missing_stages)}.")
    owners = ensure_salespeople(db, args.salespeople, args.prefix, now)
    db.commit()
    start = next_partner_index(db)
    if start + args.partners > INDEX_LIMIT:
        raise SystemExit(f"At most {INDEX_LIMIT} generated partners per database.")
    job = {
        "seed": args.seed,
        "options": {
            "duplicate_share": args.duplicate_share,
            "expired_share": args.expired_share,
            "now": now,
            "owners": len(owners),
            "owned_share": args.owned_share,
            "released_share": args.released_share,
            "pool_rules": [pool["rules"] for pool in pools] or None,
            "owner_pools": pools_of_owners(pools, owners) if pools else None,
        },
        "stages": stages,
        "countries": dict(
            db.fetchall("SELECT code, id FROM res_country WHERE code = ANY(%s)", (list(PHONE_PREFIXES),))
        ),
        "langs": {row[0] for row in db.fetchall("SELECT code FROM res_lang WHERE active")},
        "owners": owners,
        "admin": admin,
        "company": company,
        "prefix": args.prefix,
        "constants": "".join("\t" + copy_text(value) for value in constants.values()),
        "pools": [pool["id"] for pool in pools],
    }
    segments = chunk_segments(start, args.partners)
    quotas = [None] * len(segments)
    if args.expired is not None:  # the same split as partner_specs makes over the same chunks
        quotas = split_count(args.expired, [size for _first, size in segments])
    jobs = [
        dict(job, start=first, count=size, options=dict(job["options"], expired_count=quota))
        for (first, size), quota in zip(segments, quotas, strict=True)
    ]
    expired = f"{args.expired} expired" if args.expired is not None else f"{args.expired_share:.0%} expired"
    say(
        f"{args.partners} partners from index {start} (marker {args.prefix}-NNNNNNNN), "
        f"{len(owners)} salespeople, seed {args.seed}"
        + (
            f"; pools {', '.join(str(pool['id']) for pool in pools)}, owned prospects {expired}"
            if pools
            else "; no pools"
        )
    )
    db.bulk_mode(args.i_know_this_is_a_copy)
    done = 0
    began = time.monotonic()
    writing = 0.0
    chunks = pipelined(pool, partner_rows, jobs) if pool else map(partner_rows, jobs)
    for partner_lines, event_lines, ownership_event_lines in chunks:
        clock = time.monotonic()
        ids = db.next_ids("res_partner", len(partner_lines))
        db.copy_lines(
            "res_partner",
            names,
            (f"{id_}\t{id_}\t{line}" for id_, line in zip(ids, partner_lines, strict=True)),
        )
        db.copy_lines(
            "crm_partner_event", EVENT_COLUMNS, (f"{ids[pos]}\t{line}" for pos, line in event_lines)
        )
        if ownership_event_lines:
            db.copy_lines(
                "crm_partner_event",
                OWNERSHIP_EVENT_COLUMNS,
                (f"{ids[pos]}\t{line}" for pos, line in ownership_event_lines),
            )
        db.commit()
        writing += time.monotonic() - clock
        done += len(partner_lines)
        elapsed = time.monotonic() - began
        say(
            f"  {done}/{args.partners} partners ({done / elapsed:,.0f}/s;"
            f" writing {writing:.0f}s of {elapsed:.0f}s)"
        )
    return done
