#!/usr/bin/env python3
"""Benchmark of the duplicate check of crm_lifecycle, on partners made by data/generate.py.

Run by ``make bench`` (see README.md, "Benchmarks"), or by hand on a filled database::

    python tests/bench/bench_duplicate.py --config .devenv/odoo-bench.conf --database crm_bench_x

Not a test: it prints its figures next to a baseline measured in the same run, and
whether each target is met (exit status 1 when one is missed).

1. Lookup: the mixin's ``_crm_duplicate_hits`` (what the check runs for a record's
   keys) against a bare ``SELECT id FROM res_partner WHERE <key column> = %s`` on the
   same keys, half of them found, half new. Target: median at most 1.5x the bare
   SELECT's, and under 5 ms.
2. Create: 10,000 new partners through ``res.partner.create`` in batches, as an import
   sends them, by a salesperson, with the company setting ``crm_duplicate_check`` on
   against the same with it off. Target: at most 1.25x. Everything is rolled back.
"""

import importlib
import statistics
import sys
import time

from benchlib import PROJECT_DIR, make_parser, verdict

LOOKUP_KINDS = {
    "name": "crm_name_key",
    "vat": "crm_vat_key",
    "phone": "crm_phone_key",
    "email": "crm_email_key",
}
TARGET_LOOKUP_RATIO = 1.5
TARGET_LOOKUP_MS = 5.0
TARGET_CREATE_RATIO = 1.25
WARMUP_LOOKUPS = 50
NEW_PARTNERS_SEED = 9001  # the partners created by the benchmark, never in the database


def load_generator(module="specs"):
    """A module of the data generator, the package data/crm_generate/ (as data/generate.py
    imports it): ``specs`` (partner specs, duplicate keys) or ``cli`` (its ``main``)."""
    data_dir = str(PROJECT_DIR / "data")
    if data_dir not in sys.path:
        sys.path.insert(0, data_dir)
    return importlib.import_module(f"crm_generate.{module}")


def start_odoo(config, database):
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", str(config), "-d", database, "--log-level=warn"])
    return odoo, Registry(database)


def ms(seconds):
    return seconds * 1000.0


# ---------------------------------------------------------------------------
# Lookup
# ---------------------------------------------------------------------------


def sample_keys(cr, column, count):
    """``count`` keys of existing partners, the same ones in every run on the same data."""
    cr.execute(
        f"SELECT {column} FROM res_partner TABLESAMPLE SYSTEM (5) REPEATABLE (42)"
        f" WHERE {column} IS NOT NULL LIMIT %s",
        (count,),
    )
    return [row[0] for row in cr.fetchall()]


def new_keys(generate, normalize, start, count):
    """Keys of ``count`` partners that are not in the database: {column: [keys]}."""
    keys = {column: [] for column in LOOKUP_KINDS.values()}
    for spec in generate.partner_specs(NEW_PARTNERS_SEED, start, count, duplicate_share=0.0):
        for column, key in generate.partner_keys(normalize, spec).items():
            if column in keys and key:
                keys[column].append(key)
    return keys


def bench_lookup(env, generate, lookups):
    """Median time of the mixin's lookup and of the bare SELECT, per kind of key."""
    cr = env.cr
    partner = env["res.partner"]
    normalize = generate.load_normalize()
    start = min(generate.INDEX_LIMIT - lookups * 3, 15_000_000)
    fresh = new_keys(generate, normalize, start, lookups * 3)
    results = {}
    for kind, column in LOOKUP_KINDS.items():
        keys = sample_keys(cr, column, lookups) + fresh[column][:lookups]
        ours, bare = [], []
        for number, key in enumerate(keys[:WARMUP_LOOKUPS] + keys):
            timed = number >= WARMUP_LOOKUPS
            # alternate which one runs first, so that neither gets the warmer cache
            for which in ("ours", "bare") if number % 2 else ("bare", "ours"):
                began = time.perf_counter()
                if which == "ours":
                    partner._crm_duplicate_hits({kind: {key}})
                else:
                    cr.execute(f"SELECT id FROM res_partner WHERE {column} = %s", (key,))
                    cr.fetchall()
                spent = time.perf_counter() - began
                if timed:
                    (ours if which == "ours" else bare).append(spent)
        results[kind] = (statistics.median(ours), statistics.median(bare), len(keys))
    return results


def bench_search(env, generate, lookups):
    """Median time of "Check Customer" (``_crm_duplicate_search``) on typed values."""
    partner = env["res.partner"]
    cr = env.cr
    cr.execute(
        "SELECT name, phone, email, vat FROM res_partner TABLESAMPLE SYSTEM (5) REPEATABLE (7)"
        " WHERE ref ~ %s AND active LIMIT %s",
        (generate.MARKER_PATTERN, lookups // 4),
    )
    queries = [value for row in cr.fetchall() for value in row if value]
    times = []
    for number, query in enumerate(queries[:WARMUP_LOOKUPS] + queries):
        began = time.perf_counter()
        partner._crm_duplicate_search(query)
        if number >= WARMUP_LOOKUPS:
            times.append(time.perf_counter() - began)
    return statistics.median(times), len(times)


# ---------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------


def new_partner_values(env, generate, count):
    """The values an import of ``count`` new companies gives ``create``.

    Companies with a key already in the database are left out (the generator never
    makes them, but the database may come from an older one): none is refused.
    """
    countries = {country.code: country.id for country in env["res.country"].search([])}
    normalize = generate.load_normalize()
    start = min(generate.INDEX_LIMIT - count * 2, 16_000_000)
    specs = generate.partner_specs(NEW_PARTNERS_SEED + 1, start, count + count // 10, duplicate_share=0.0)
    keys = [generate.partner_keys(normalize, spec) for spec in specs]
    taken = set()
    for column, kind in generate.KEY_COLUMNS.items():
        wanted = [key[column] for key in keys if key[column]]
        for other, other_kind in generate.KEY_COLUMNS.items():
            if {kind, other_kind} <= {"phone", "mobile"} or other == column:  # phones match mobiles
                env.cr.execute(f"SELECT {other} FROM res_partner WHERE {other} = ANY(%s)", (wanted,))
                taken.update((column, row[0]) for row in env.cr.fetchall())
    fresh = [spec for spec, key in zip(specs, keys, strict=True) if not taken & set(key.items())]
    if len(fresh) < count:
        raise SystemExit(f"Only {len(fresh)} of the partners to create are new to the database.")
    return len(specs) - len(fresh), [
        {
            "name": spec["name"],
            "is_company": True,
            "email": spec["email"],
            "phone": spec["phone"],
            "mobile": spec["mobile"],
            "vat": spec["vat"],
            "city": spec["city"],
            "country_id": countries[spec["country_code"]],
        }
        for spec in fresh[:count]
    ]


def importer(env):
    """A salesperson (not a manager) to import as; the administrator when there is none."""
    salesman = env.ref("sales_team.group_sale_salesman")
    manager = env.ref("sales_team.group_sale_manager")
    users = salesman.users.filtered(
        lambda user: user.active and not user.share and manager not in user.groups_id
    )
    return users[:1] or env.ref("base.user_admin")


def timed_creates(registry, odoo, values, batch, check):
    """Seconds to create ``values`` in batches, with the duplicate check on or off; rolled back."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = importer(env)
        user.company_id.crm_duplicate_check = check
        partners = (
            env["res.partner"].with_user(user).with_context(crm_lifecycle_managed=True, import_file=True)
        )
        env.flush_all()
        began = time.perf_counter()
        for position in range(0, len(values), batch):
            partners.create([dict(vals) for vals in values[position : position + batch]])
            env.flush_all()
        spent = time.perf_counter() - began
        cr.rollback()
    return spent


def check_refuses(registry, odoo):
    """The check is really on: a partner with an existing partner's VAT is refused."""
    from odoo.exceptions import RedirectWarning, UserError

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = importer(env)
        user.company_id.crm_duplicate_check = True
        cr.execute(
            "SELECT p.name, p.vat FROM res_partner p WHERE p.vat IS NOT NULL AND p.active"
            " AND p.lifecycle_stage_id IS NOT NULL AND p.commercial_partner_id = p.id LIMIT 1"
        )
        row = cr.fetchone()
        refused = False
        try:
            env["res.partner"].with_user(user).with_context(crm_lifecycle_managed=True).create(
                {"name": f"{row[0]} (again)", "is_company": True, "vat": row[1]}
            )
        except (UserError, RedirectWarning):
            refused = True
        cr.rollback()
    return refused


def bench_create(registry, odoo, generate, count, batch, rounds):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        left_out, values = new_partner_values(env, generate, count)
        user_name = importer(env).name
    if left_out:
        print(f"  ({left_out} generated partners left out: a key of theirs is already in the database)")
    warmup = values[: min(500, count)]
    for check in (True, False):  # load the code paths and the caches of both
        timed_creates(registry, odoo, warmup, batch, check)
    spent = {True: [], False: []}
    for number in range(rounds):
        for check in (True, False) if number % 2 else (False, True):
            spent[check].append(timed_creates(registry, odoo, values, batch, check))
    return min(spent[True]), min(spent[False]), user_name


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse_args(argv=None):
    parser = make_parser(__doc__, "database filled by data/generate.py")
    parser.add_argument(
        "--lookups", type=int, default=1000, help="existing keys looked up per kind (default 1000)"
    )
    parser.add_argument("--creates", type=int, default=10_000, help="partners created (default 10000)")
    parser.add_argument("--batch", type=int, default=100, help="partners per create() call (default 100)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="create rounds; the best one counts (default 2)"
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    generate = load_generator()
    odoo, registry = start_odoo(args.config, args.database)
    missed = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM res_partner")
        total = cr.fetchone()[0]
        print(f"Duplicate check benchmark on {args.database}: {total:,} partners", flush=True)

        lookups = bench_lookup(env, generate, args.lookups)
        print(
            f"\nLookup: _crm_duplicate_hits against SELECT id FROM res_partner WHERE <key> = %s,"
            f" median of {args.lookups} existing and {args.lookups} new keys per kind"
        )
        print(f"  {'kind':<6} {'lookup':>10} {'bare SELECT':>12} {'ratio':>7}")
        for kind, (ours, bare, _count) in lookups.items():
            print(f"  {kind:<6} {ms(ours):>7.3f} ms {ms(bare):>9.3f} ms {ours / bare:>6.2f}x")
        ours = statistics.median(value[0] for value in lookups.values())
        bare = statistics.median(value[1] for value in lookups.values())
        ratio = ours / bare
        met = ratio <= TARGET_LOOKUP_RATIO and ms(ours) < TARGET_LOOKUP_MS
        print(
            f"  all    {ms(ours):>7.3f} ms {ms(bare):>9.3f} ms {ratio:>6.2f}x"
            f"   target <= {TARGET_LOOKUP_RATIO}x and < {TARGET_LOOKUP_MS:g} ms: {verdict(met)}"
        )
        print("  (the phone lookup also matches mobiles: two indexed columns against one)")
        if not met:
            missed.append("lookup")

        search, count = bench_search(env, generate, args.lookups)
        print(
            f"\nCheck Customer (_crm_duplicate_search, with the summaries): median {ms(search):.3f} ms"
            f" of {count} typed names, phones, emails and VATs"
        )
        cr.rollback()

    refused = check_refuses(registry, odoo)
    print(f"\nThe check refuses a partner with an existing VAT: {'yes' if refused else 'NO'}")
    if not refused:
        missed.append("refusal")
    began = time.perf_counter()
    on, off, user_name = bench_create(registry, odoo, generate, args.creates, args.batch, args.rounds)
    ratio = on / off
    met = ratio <= TARGET_CREATE_RATIO
    print(
        f"\nCreate: {args.creates:,} partners with res.partner.create in batches of {args.batch},"
        f" as {user_name}, best of {args.rounds} round(s)"
    )
    print(f"  check on   {on:8.1f} s  {ms(on) / args.creates:6.2f} ms/partner")
    print(f"  check off  {off:8.1f} s  {ms(off) / args.creates:6.2f} ms/partner")
    print(f"  ratio      {ratio:8.2f}x  target <= {TARGET_CREATE_RATIO}x: {verdict(met)}")
    print(f"  ({time.perf_counter() - began:.0f} s with the warm-up; everything rolled back)")
    if not met:
        missed.append("create")
    print(f"\n{'Every target met.' if not missed else 'Missed: ' + ', '.join(missed)}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
