"""The data generator (data/generate.py, the package data/crm_generate/): its pure part,
without database, and runs into the database of ``make test`` (``CRM_TEST_DB``), rolled back."""

import collections
import datetime
import os
import re
import sys
from pathlib import Path

import pytest
from stdnum.cn import uscc
from stdnum.gb import vat as gb_vat
from stdnum.pl import nip

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "data"))  # as data/generate.py does

from crm_generate import (  # noqa: E402 (needs data/ on the import path first)
    care,
    cli,
    database,
    history,
    history_plan,
    history_rows,
    partners,
    prospects,
    service,
    specs,
    words,
)

normalize = specs.load_normalize()

NOW = datetime.datetime(2025, 6, 1, 12, 0)
SAMPLE = 10_000


@pytest.fixture(scope="module")
def sample():
    return specs.partner_specs(7, 0, SAMPLE, duplicate_share=0.05, now=NOW)


def identity(specs):
    return [
        (s["name"], s["email"], s["phone"], s["vat"], s["stage"], s["owner"], s["create_date"]) for s in specs
    ]


# -- determinism ---------------------------------------------------------------


def test_same_seed_same_partners():
    first = specs.partner_specs(42, 0, 3000, now=NOW)
    assert identity(first) == identity(specs.partner_specs(42, 0, 3000, now=NOW))
    other = specs.partner_specs(43, 0, 3000, now=NOW)
    assert sum(a != b for a, b in zip(identity(first), identity(other), strict=True)) > 2900


def test_a_continued_run_gives_what_one_run_gives(monkeypatch):
    """A re-run that continues after index 1234 (even mid-chunk) adds the same partners."""
    monkeypatch.setattr(specs, "CHUNK_SIZE", 2000)
    whole = specs.partner_specs(42, 0, 2500, now=NOW)
    head = specs.partner_specs(42, 0, 1234, now=NOW)
    tail = specs.partner_specs(42, 1234, 2500 - 1234, now=NOW)
    assert identity(head + tail) == identity(whole)
    chunks = list(specs.iter_partner_chunks(42, 1234, 2500 - 1234, now=NOW))
    assert [len(chunk) for chunk in chunks] == [2000 - 1234, 500]
    assert identity([s for chunk in chunks for s in chunk]) == identity(tail)


def test_permutation_is_a_bijection():
    small = specs.Permutation(12345, bits=10)
    assert sorted(small(value) for value in range(1024)) == list(range(1024))
    assert [small(value) for value in range(8)] != list(range(8))


# -- shares ----------------------------------------------------------------------


@pytest.mark.parametrize("share", [0.0, 0.02, 0.1])
def test_duplicate_share_is_honoured(share):
    made = specs.partner_specs(3, 0, SAMPLE, duplicate_share=share, now=NOW)
    duplicates = [s for s in made if s["duplicate_of"] is not None]
    assert abs(len(duplicates) / SAMPLE - share) < 0.006
    assert all(s["duplicate_of"] < s["index"] for s in duplicates)


def test_stages_form_a_funnel(sample):
    counts = collections.Counter(s["stage"] for s in sample)
    for code, share in specs.STAGE_SHARES.items():
        assert abs(counts[code] / SAMPLE - share) < 0.015, code
    assert counts["pool"] > counts["qualified"] > counts["potential"] > counts["opportunity"]
    owned = {code: sum(s["owner"] is not None for s in sample if s["stage"] == code) for code in counts}
    assert owned["customer"] / counts["customer"] > 0.9 > owned["pool"] / counts["pool"]
    assert {s["owner"] for s in sample} == set(range(8)) | {None}


def test_expired_owners_claimed_long_ago(sample):
    prospects = [s for s in sample if s["owner"] is not None and s["stage"] in specs.STAGE_ORDER[:-1]]
    expired = [s for s in prospects if s["expired"]]
    assert 0.06 < len(expired) / len(prospects) < 0.11  # young partners cannot be expired yet
    for partner in expired:
        assert (NOW - partner["owner_since"]).days >= specs.EXPIRED_OWNER_DAYS[0]
        assert partner["create_date"] <= partner["stage_date"] <= partner["owner_since"]
    for partner in prospects:
        if not partner["expired"]:
            assert (NOW - partner["owner_since"]).days <= specs.FRESH_OWNER_DAYS
    none = specs.partner_specs(7, 0, 5000, expired_share=0.0, now=NOW)
    assert not any(s["expired"] for s in none)


def test_histories_climb_the_funnel(sample):
    for partner in sample[:3000]:
        history = partner["history"]
        assert history[0] == "pool" and history[-1] == partner["stage"]
        forward = [code for code in history if code != "invalid"]
        positions = [specs.STAGE_ORDER.index(code) for code in forward]
        assert positions == sorted(set(positions))
        assert partner["create_date"] <= partner["stage_date"] <= NOW


# -- identities ------------------------------------------------------------------


def test_names_mix_cultures_and_legal_forms(sample):
    countries = collections.Counter(s["country_code"] for s in sample)
    assert set(countries) == {"GB", "US", "PL", "CN"}
    names = [s["name"] for s in sample]
    for form in ("Sp. z o.o.", "Ltd", "LLC", "Inc.", "有限公司", "股份有限公司"):
        assert any(name.endswith(form) for name in names), form
    chinese = [s for s in sample if s["country_code"] == "CN" and s["duplicate_of"] is None]
    assert all(s["name"].startswith(s["city"]) or f"（{s['city']}）" in s["name"] for s in chinese)


def test_vat_numbers_are_valid(sample):
    validators = {"PL": lambda v: nip.is_valid(v[2:]), "GB": gb_vat.is_valid, "CN": uscc.is_valid}
    originals = [s for s in sample if s["duplicate_of"] is None and s["vat"]]
    assert {s["country_code"] for s in originals} == {"PL", "GB", "CN"}
    for partner in originals:
        assert validators[partner["country_code"]](partner["vat"]), partner["vat"]
    assert not any(s["vat"] for s in sample if s["country_code"] == "US")


def test_phones_are_international_and_match_the_city(sample):
    digits = {"GB": (12, 13), "US": (11, 11), "PL": (11, 11), "CN": (12, 13)}
    for partner in sample[:2000]:
        if partner["duplicate_of"] is None:
            assert partner["phone"].startswith("+")
            assert partner["phone_e164"] == "+" + "".join(ch for ch in partner["phone"] if ch.isdigit())
            low, high = digits[partner["country_code"]]
            assert low <= len(partner["phone_e164"]) - 1 <= high, partner["phone"]
            city, _e164, _formatted = specs.phone_number(partner["index"], partner["locale"])
            assert city == partner["city"]
            if partner["mobile"]:
                assert partner["country_code"] != "US"
                assert len("".join(ch for ch in partner["mobile"] if ch.isdigit())) in (11, 12, 13)


def test_mobiles_never_look_like_landlines():
    """A phone key matches phones and mobiles: their numbers must never meet."""
    for code, locale in words.LOCALES.items():
        country = words.PHONE_PREFIXES[locale["country"]]
        areas = tuple(country + area for _city, area in locale["cities"])
        for index in range(0, specs.INDEX_LIMIT, 9973):
            e164, formatted = specs.mobile_number(index, code)
            if e164:
                assert not e164[1:].startswith(areas), (code, e164)
                assert formatted.replace(" ", "") == e164


# -- duplicate keys ----------------------------------------------------------------


def keys_of(partner):
    """The keys of a spec, straight from the addon's normalisation module."""
    return {
        "name": normalize.company_name_key(partner["name"]),
        "vat": normalize.vat_key(partner["vat"]),
        "phone": normalize.phone_key(partner["phone"], partner["country_code"]),
        "mobile": normalize.phone_key(partner["mobile"], partner["country_code"]),
        "email": normalize.email_key(partner["email"]),
    }


def test_originals_rarely_share_a_key(sample):
    originals = [keys_of(s) for s in sample if s["duplicate_of"] is None]
    for kind in ("name", "vat", "email"):
        values = [keys[kind] for keys in originals if keys[kind]]
        assert len(set(values)) == len(values), kind
    phones = [keys[kind] for keys in originals for kind in ("phone", "mobile") if keys[kind]]
    assert len(set(phones)) == len(phones)  # a phone matches a phone or a mobile
    assert all(keys["name"] and keys["phone"] and keys["email"] for keys in originals)
    assert 0.15 < sum(bool(keys["mobile"]) for keys in originals) / len(originals) < 0.3


def test_duplicates_match_their_original_on_a_key(sample):
    by_index = {s["index"]: s for s in sample}
    duplicates = [s for s in sample if s["duplicate_of"] is not None]
    matched = collections.Counter()
    for duplicate in duplicates:
        original = by_index[duplicate["duplicate_of"]]
        assert duplicate["name"] != original["name"]  # typed differently...
        same = {
            kind for kind, value in keys_of(duplicate).items() if value and value == keys_of(original)[kind]
        }
        assert same, (original, duplicate)  # ...yet recognised
        matched.update(same)
    assert matched["name"] == len(duplicates)  # another legal form, case or spacing: same name key
    assert min(matched["phone"], matched["email"], matched["vat"]) > len(duplicates) * 0.2


def test_generated_keys_are_the_normalisation_module_keys(sample):
    """What the generator stores is what crm.duplicate.mixin computes for the same values."""
    mixin = (PROJECT_DIR / "crm_lifecycle" / "models" / "crm_duplicate_mixin.py").read_text()
    for column in specs.KEY_COLUMNS:
        assert f"{column} = fields.Char(" in mixin, column
    for partner in sample[:2000]:
        stored = specs.partner_keys(normalize, partner)
        assert stored == {
            column: keys_of(partner)[kind] or None for column, kind in specs.KEY_COLUMNS.items()
        }
    assert any(stored["crm_vat_key"] for stored in map(specs.partner_keys, [normalize] * 50, sample))


# -- ownership -------------------------------------------------------------------------

DAY = datetime.timedelta(days=1)
RULES = specs.DEFAULT_POOL_RULES
KEEP = (RULES["warn_days"] + specs.RULE_MARGIN_DAYS) * DAY  # safe owners stay that far from a deadline


def test_ownership_of_the_partners(sample):
    owned = [s for s in sample if s["owner"] is not None]
    pool = [s for s in sample if s["owner"] is None]
    assert {s["pool_state"] for s in owned} == {"owned"} and {s["pool_state"] for s in pool} == {"pool"}
    for partner in owned:
        assert partner["previous_owner"] is None and partner["released_date"] is None
        if partner["last_contact_date"]:
            assert partner["owner_since"] <= partner["last_contact_date"] <= NOW
    never = [s for s in owned if not s["last_contact_date"] and not s["expired"]]
    assert 0.05 < len(never) / len(owned) < specs.NEVER_CONTACTED_SHARE
    released = [s for s in pool if s["previous_owner"] is not None]
    assert abs(len(released) / len(pool) - specs.RELEASED_SHARE) < 0.03
    for partner in released:
        assert partner["create_date"] <= partner["released_date"] <= NOW
        assert partner["release_reason"] == "No contact for 30 days."
        assert partner["last_contact_date"] is None or partner["last_contact_date"] < partner["released_date"]
    assert {s["previous_owner"] for s in released} == set(range(8))
    assert not any(s["released_date"] or s["release_reason"] for s in pool if s["previous_owner"] is None)
    assert not any(s["deadline"] or s["followup_date"] for s in pool)


def test_owners_are_safe_unless_expired(sample):
    """With the default pool's rules: the expired owners are past their release deadline, the
    others so far before it that they are not even warned; none was released by the claim."""
    owned = [s for s in sample if s["owner"] is not None]
    expired = [s for s in owned if s["expired"]]
    assert expired
    for partner in owned:
        if partner["expired"]:
            assert partner["deadline"] <= NOW - specs.RULE_MARGIN_DAYS * DAY
            # no contact for longer than no_contact_days + protection_days
            stale = NOW - (RULES["no_contact_days"] + RULES["protection_days"]) * DAY
            assert (partner["last_contact_date"] or partner["owner_since"]) < stale
        else:
            assert partner["deadline"] >= NOW + KEEP, partner
            assert (NOW - partner["owner_since"]).days < RULES["no_opportunity_days"]
        assert partner["followup_date"] >= partner["owner_since"].date()
    # the rule is the first deadline: no contact for most, no opportunity for the silent ones
    rules = collections.Counter(s["release_rule"] for s in owned)
    assert set(rules) == {"no_contact", "no_opportunity"} and rules["no_contact"] > rules["no_opportunity"]


@pytest.mark.parametrize(("start", "count", "expired"), [(0, 9000, 1800), (1234, 23_000, 4600), (77, 500, 0)])
def test_expired_count_is_exact(monkeypatch, start, count, expired):
    """``--expired N``: exactly N partners past their deadline, whatever the chunks; the
    same partners in one call or chunk by chunk, and the same on a second run."""
    monkeypatch.setattr(specs, "CHUNK_SIZE", 5000)
    made = specs.partner_specs(5, start, count, expired_count=expired, now=NOW)
    assert len(made) == count
    assert sum(s["expired"] for s in made) == expired
    assert sum(bool(s["deadline"] and s["deadline"] <= NOW + KEEP) for s in made) == expired
    assert all(s["stage"] in specs.STAGE_ORDER[:-1] and s["owner"] is not None for s in made if s["expired"])
    chunks = list(specs.iter_partner_chunks(5, start, count, expired_count=expired, now=NOW))
    assert len(chunks) > 1 or count <= 5000
    assert [s["expired"] for chunk in chunks for s in chunk] == [s["expired"] for s in made]
    again = specs.partner_specs(5, start, count, expired_count=expired, now=NOW)
    assert [(s["owner_since"], s["last_contact_date"], s["deadline"]) for s in again] == [
        (s["owner_since"], s["last_contact_date"], s["deadline"]) for s in made
    ]


def test_expired_count_moves_only_the_chosen_claims():
    plain = specs.partner_specs(9, 0, 4000, expired_share=0.0, now=NOW)
    exact = specs.partner_specs(9, 0, 4000, expired_count=700, now=NOW)
    for before, after in zip(plain, exact, strict=True):
        assert (before["name"], before["owner"], before["create_date"]) == (
            after["name"],
            after["owner"],
            after["create_date"],
        )
        if not after["expired"]:
            assert (before["owner_since"], before["stage_date"]) == (
                after["owner_since"],
                after["stage_date"],
            )
        else:
            assert after["create_date"] <= after["stage_date"] <= after["owner_since"] < before["owner_since"]


def test_too_many_expired_owners_are_refused():
    with pytest.raises(specs.ExpiredCountError, match="ask for fewer"):
        specs.partner_specs(3, 0, 2000, expired_count=1500, now=NOW)


def test_dates_follow_the_rules_of_the_pool_and_its_levels():
    """A pool with other limits, and a level for qualified prospects that has its own."""
    rules = dict(
        RULES,
        no_contact_days=45,
        no_opportunity_days=0,
        no_deal_days=90,
        protection_days=10,
        warn_days=5,
        levels={"qualified": {"no_contact_days": 20, "no_opportunity_days": None, "followup_days": 3}},
        stage_followup_days={"customer": 30},
    )
    limits = specs.pool_limits(rules)
    assert (limits["qualified"]["contact"], limits["qualified"]["deal"]) == (20, 90)  # None: the pool's
    assert (limits["pool"]["contact"], limits["customer"]["followup"], limits["qualified"]["followup"]) == (
        45,
        30,
        3,
    )
    made = specs.partner_specs(21, 0, 6000, expired_count=900, now=NOW, rules=rules)
    assert sum(s["expired"] for s in made) == 900
    keep = (rules["warn_days"] + specs.RULE_MARGIN_DAYS) * DAY
    for partner in made:
        if partner["owner"] is None:
            continue
        contact = limits[partner["stage"]]["contact"]
        last = partner["last_contact_date"] or partner["owner_since"]
        if partner["expired"]:
            assert partner["deadline"] < NOW and last < NOW - (contact + rules["protection_days"]) * DAY
        else:
            assert partner["deadline"] >= NOW + keep
            assert (NOW - partner["owner_since"]).days < rules["no_deal_days"]
            assert last >= NOW - contact * DAY + keep
    assert {s["release_rule"] for s in made if s["owner"] is not None} <= {"no_contact", "no_deal"}


def test_schedule_is_the_addons():
    """The deadline is the first rule's, never within the protection; the follow-up counts
    from the last contact (or the claim)."""
    limits = specs.pool_limits(RULES)
    claim = datetime.datetime(2025, 5, 30, 9, 0)
    spec = {"stage": "qualified", "pool_state": "owned", "owner_since": claim, "create_date": claim}
    assert specs.schedule(dict(spec, last_contact_date=None), limits) == (
        claim + 30 * DAY,
        "no_contact",
        30,
        (claim + 14 * DAY).date(),
    )
    contacted = claim + 40 * DAY
    assert specs.schedule(dict(spec, last_contact_date=contacted), limits) == (
        claim + 60 * DAY,
        "no_opportunity",
        60,
        (contacted + 14 * DAY).date(),
    )
    short = specs.pool_limits(dict(RULES, no_contact_days=2, no_opportunity_days=0, no_deal_days=0))
    assert specs.schedule(dict(spec, last_contact_date=None), short)[:3] == (
        claim + 7 * DAY,
        "no_contact",
        2,
    )
    off = specs.pool_limits(dict(RULES, no_contact_days=0, no_opportunity_days=0, no_deal_days=0))
    assert specs.schedule(dict(spec, last_contact_date=None), off)[:3] == (None, None, None)
    assert specs.schedule(dict(spec, pool_state="pool", last_contact_date=None), limits) == (None,) * 4


def test_owned_share_replaces_the_funnel():
    made = specs.partner_specs(4, 0, 5000, owned_share=0.2, now=NOW)
    assert abs(sum(s["owner"] is not None for s in made) / 5000 - 0.2) < 0.02
    assert not any(s["owner"] is not None for s in specs.partner_specs(4, 0, 500, owners=0, now=NOW))


def test_copy_rows_hold_the_ownership_columns():
    """What partner_rows writes lines up with the columns generate_partners names."""
    stages = {code: number for number, code in enumerate(specs.STAGE_SHARES, start=1)}
    job = {
        "seed": 2,
        "start": 0,
        "count": 400,
        "options": {"now": NOW, "owners": 3, "expired_count": 40},
        "stages": stages,
        "countries": {"PL": 166},
        "langs": {"en_US"},
        "owners": [(10, 1), (11, 1), (12, None)],
        "admin": 2,
        "company": 1,
        "prefix": "T",
        "constants": "\tt",
        "pools": [5],
    }
    partner_lines, event_lines, ownership_lines = partners.partner_rows(job)
    width = len(partners.PARTNER_COLUMNS) + len(partners.OWNERSHIP_COLUMNS) + 1
    assert {len(line.split("\t")) for line in partner_lines} == {width}
    state = len(partners.PARTNER_COLUMNS)
    rows = [line.split("\t") for line in partner_lines]
    assert {row[state] for row in rows} == {"owned", "pool"} and {row[state + 1] for row in rows} == {"5"}
    assert sum(row[state + 7] != "\\N" and row[state + 7] < str(NOW) for row in rows) == 40  # deadline
    assert {len(line.split("\t")) for _pos, line in ownership_lines} == {
        len(partners.OWNERSHIP_EVENT_COLUMNS) - 1
    }
    kinds = collections.Counter(line.split("\t", 1)[0] for _pos, line in ownership_lines)
    assert kinds["assign"] == sum(row[state] == "owned" for row in rows) and kinds["release"] > 0
    assert len(event_lines) >= len(partner_lines)
    without = partners.partner_rows(dict(job, pools=[]))
    assert {len(line.split("\t")) for line in without[0]} == {len(partners.PARTNER_COLUMNS) + 1}
    assert without[2] == []


# -- one run into a database -------------------------------------------------------------


@pytest.fixture
def test_database():
    """A connection to the database of ``make test`` (addons installed), in one transaction
    that the test rolls back: the generator's commits do nothing."""
    dbname, config = os.environ.get("CRM_TEST_DB"), os.environ.get("CRM_ODOO_CONFIG")
    if not dbname or not config:
        pytest.skip("needs the database of make test (CRM_TEST_DB, CRM_ODOO_CONFIG)")
    db = database.Database(config, dbname)
    db.commit = lambda: None
    try:
        yield db, config, dbname
    finally:
        db.connection.rollback()
        db.close()


def test_foreign_key_checks_are_skipped_only_in_generated_or_test_databases():
    """The rule of bulk_mode: a project database by its name, a database the generator
    marked, one without customer data (marked from then on), or the user's word."""
    assert database.bulk_permission("crm_test_1_2", False, True, False)[1] is False
    assert database.bulk_permission("crm_bench_9", False, True, False)
    assert database.bulk_permission("crm_demo", False, True, False)
    assert database.bulk_permission("production", False, True, False) is None
    assert database.bulk_permission("my_crm_test_copy", False, True, False) is None  # a prefix only
    assert database.bulk_permission("production", True, True, False) == (
        f"a generated database (it carries {database.GENERATED_MARKER})",
        False,
    )
    assert database.bulk_permission("production", False, False, False)[1] is True  # writes the marker
    assert database.bulk_permission("production", False, True, True) == ("--i-know-this-is-a-copy", False)
    message = database.refusal_message("production")
    assert "'production'" in message and "--i-know-this-is-a-copy" in message
    assert database.GENERATED_MARKER in message and "crm_test_" in message


def replication_role(db):
    return db.fetchall("SHOW session_replication_role")[0][0]


def fresh_run(db):
    """Another run on the connection of ``db`` (bulk_mode decides once per run), whose
    commits do nothing either."""
    run = database.Database.wrap(db.connection)
    run.commit = lambda: None
    return run


def marker_of(db):
    return db.fetchall("SELECT value FROM ir_config_parameter WHERE key = %s", (database.GENERATED_MARKER,))


def test_bulk_mode_in_the_test_database(test_database, monkeypatch, capsys):
    """In the database of make test (crm_test_...), the checks are skipped (as a superuser);
    the same database under another name, with its demo customers, keeps them on and says
    what to do; --i-know-this-is-a-copy, or the marker the generator writes into a database
    without customer data, lets them be skipped."""
    db, _config, dbname = test_database
    assert dbname.startswith("crm_test_")
    superuser = db.fetchall("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0]
    skipped = "replica" if superuser else "origin"
    assert db.bulk_mode() is superuser and replication_role(db) == skipped
    assert ("foreign key checks skipped: a project database" in capsys.readouterr().out) is superuser
    db.cr.execute("SET session_replication_role = DEFAULT")

    monkeypatch.setattr(database, "THROWAWAY_PREFIXES", ())  # as if it had another name
    run = fresh_run(db)
    assert run.has_customer_data()  # the demo data
    assert run.bulk_mode() is False and replication_role(run) == "origin"
    said = capsys.readouterr().out
    assert f"foreign key checks stay ON (the load is slower): {dbname!r} is not a generated" in said
    assert "--i-know-this-is-a-copy" in said
    assert run.bulk_mode(copy_confirmed=True) is False  # decided once per run
    assert not marker_of(db)
    assert fresh_run(db).bulk_mode(copy_confirmed=True) is superuser and replication_role(db) == skipped
    db.cr.execute("SET session_replication_role = DEFAULT")

    # without customer data (every partner made a generated one, in this rolled-back
    # transaction), the first run marks the database; later runs recognise the marker
    db.cr.execute("UPDATE res_partner SET ref = 'PYTEST-' || lpad(id::text, 8, '0')")
    db.cr.execute(
        "UPDATE crm_lead SET partner_id = (SELECT min(id) FROM res_partner) WHERE partner_id IS NULL"
    )
    run = fresh_run(db)
    assert not run.has_customer_data()
    assert run.bulk_mode() is superuser and replication_role(db) == skipped
    db.cr.execute("SET session_replication_role = DEFAULT")
    assert len(marker_of(db)) == 1
    db.cr.execute("UPDATE res_partner SET ref = NULL WHERE customer_rank > 0")  # customers again
    run = fresh_run(db)
    assert run.has_customer_data()
    assert run.bulk_mode() is superuser and replication_role(db) == skipped
    assert (f"it carries {database.GENERATED_MARKER}" in capsys.readouterr().out) is superuser
    db.cr.execute("SET session_replication_role = DEFAULT")


def test_generation_with_foreign_key_checks_on(test_database, monkeypatch, capsys):
    """In a database that is not a generated or test one, partners and their history are
    written all the same, with every foreign key checked."""
    db, config, dbname = test_database
    monkeypatch.setattr(database, "THROWAWAY_PREFIXES", ())
    argv = ["--config", config, "--database", dbname, "--prefix", "PYTEST", "--salespeople", "3"]
    argv += ["--partners", "600", "--seed", "8", "--today", "2025-06-01", "--history"]
    args = cli.parse_args([*argv, "--invoice-lines", "1500"])
    partners.generate_partners(db, args, NOW)
    assert replication_role(db) == "origin"
    written = history.generate_history(db, args, NOW)
    assert replication_role(db) == "origin"
    assert "foreign key checks stay ON" in capsys.readouterr().out
    assert written["account_move_line"] > 1500 and written["account_partial_reconcile"] > 0
    counted = db.fetchall("SELECT count(*) FROM res_partner WHERE ref LIKE 'PYTEST-%%'")[0][0]
    assert counted == 600
    # the payments' entries, written before their payments, name them all the same
    origins = db.fetchall(
        """SELECT count(*), count(*) FILTER (WHERE m.origin_payment_id IS DISTINCT FROM pay.id)
             FROM account_payment pay JOIN account_move m ON m.id = pay.move_id
             JOIN res_partner p ON p.id = pay.partner_id WHERE p.ref LIKE 'PYTEST-%%'"""
    )[0]
    assert origins[0] > 0 and origins[1] == 0


def test_generated_ownership_in_the_database(test_database):
    db, config, dbname = test_database
    today = datetime.date(2025, 6, 1)
    now = datetime.datetime(2025, 6, 1, 12, 0)
    args = cli.parse_args(
        ["--config", config, "--database", dbname, "--partners", "3000", "--expired", "321"]
        + ["--prefix", "PYTEST", "--seed", "8", "--salespeople", "4", "--today", today.isoformat()]
    )
    partners.generate_partners(db, args, now)
    pool_id = db.fetchall(
        "SELECT id FROM crm_pool WHERE company_id = %s AND is_default ORDER BY id LIMIT 1",
        (db.xmlid("base", "main_company"),),
    )[0][0]
    # owned partners are in the pool of their owner's team, else in the default pool
    misplaced = """
        SELECT count(*) FROM res_partner p
         WHERE p.ref LIKE 'PYTEST-%%' AND p.user_id IS NOT NULL
           AND p.crm_pool_id IS DISTINCT FROM COALESCE(
               (SELECT r.crm_pool_id FROM crm_pool_crm_team_rel r JOIN crm_pool c ON c.id = r.crm_pool_id
                 WHERE r.crm_team_id = p.crm_team_id AND c.active ORDER BY c.sequence, c.id LIMIT 1), %s)
    """
    assert db.fetchall(misplaced, (pool_id,))[0][0] == 0
    rows = db.fetchall(
        """
        SELECT crm_pool_state, (user_id IS NOT NULL), (crm_pool_id IS NOT NULL), crm_locked,
               count(*), count(ownership_deadline) FILTER (WHERE ownership_deadline <= %(now)s),
               count(previous_owner_id), count(crm_released_date), count(last_contact_date),
               count(*) FILTER (WHERE owner_since IS NOT NULL AND next_followup_date IS NOT NULL)
          FROM res_partner WHERE ref LIKE 'PYTEST-%%'
         GROUP BY 1, 2, 3, 4
        """,
        {"now": now},
    )
    by_state = {row[0]: row for row in rows}
    assert set(by_state) == {"owned", "pool"} and len(rows) == 2
    owned, pool = by_state["owned"], by_state["pool"]
    assert owned[1:4] == (True, True, False) and pool[1:4] == (False, True, False)
    assert owned[4] + pool[4] == 3000
    assert owned[5] == 321  # exactly the expired ones are due
    assert owned[6] == owned[7] == 0 and owned[9] == owned[4] and owned[8] > owned[4] * 0.6
    assert pool[5] == 0 and 0 < pool[6] == pool[7] < pool[4] and pool[9] == 0
    events = dict(
        db.fetchall(
            "SELECT e.event_type, count(*) FROM crm_partner_event e JOIN res_partner p ON p.id = e.partner_id"
            " WHERE p.ref LIKE 'PYTEST-%%' AND e.event_type IN ('assign', 'release') GROUP BY 1"
        )
    )
    assert events == {"assign": owned[4], "release": pool[6]}


def test_partners_spread_over_the_pools_of_their_teams(odoo_db):
    """A team with a pool of its own: its salesperson's customers, owned or released, are in
    that pool and live under its rules (the schedule is crm_lifecycle's); the others are in
    the pools of their own teams, or the default one."""
    from odoo import Command
    from odoo.tests import new_test_user

    env, db, config, dbname = odoo_db
    salespeople = env["res.users"].search_count(
        [
            ("groups_id", "in", env.ref("sales_team.group_sale_salesman").id),
            ("share", "=", False),
            ("id", "!=", 1),
        ]
    )
    exporter = new_test_user(
        env, login="pytest_exporter", name="Ewa Export", groups="sales_team.group_sale_salesman"
    )
    team = env["crm.team"].create({"name": "PYTEST Export", "member_ids": [Command.set(exporter.ids)]})
    team_pool = env["crm.pool"].create(
        {
            "name": "PYTEST Export Pool",
            "is_default": False,
            "team_ids": [Command.set(team.ids)],
            "no_contact_days": 12,
            "no_opportunity_days": 0,
            "no_deal_days": 0,
            "protection_days": 0,
            "followup_days": 5,
        }
    )
    Pool = env["crm.pool"]
    env.flush_all()
    argv = [
        "--config",
        config,
        "--database",
        dbname,
        "--prefix",
        "PYTEST",
        "--seed",
        "8",
        "--today",
        "2025-06-01",
    ]
    argv += ["--partners", "2000", "--salespeople", str(salespeople + 1), "--expired", "40"]
    partners.generate_partners(db, cli.parse_args(argv), NOW)
    env.invalidate_all()
    generated = env["res.partner"].with_context(active_test=False).search([("ref", "=like", "PYTEST-%")])
    in_team_pool = generated.filtered(lambda partner: partner.crm_pool_id == team_pool)
    # the pool of each owner's team (the demo data gives the demo teams pools of their own)
    assert all(
        partner.crm_pool_id == Pool._get_for_team(partner.crm_team_id)
        for partner in generated.filtered("user_id")
    )
    assert {"owned", "pool"} == set(in_team_pool.mapped("crm_pool_state"))
    owned = generated.filtered("user_id")
    assert all((partner.crm_pool_id == team_pool) == (partner.user_id == exporter) for partner in owned)
    released = generated.filtered("previous_owner_id")
    assert all(
        (partner.crm_pool_id == team_pool) == (partner.previous_owner_id == exporter) for partner in released
    )
    # the team pool's rules: its contact deadline, and the schedule crm_lifecycle computes
    owned_there = in_team_pool.filtered(lambda partner: partner.crm_pool_state == "owned")
    assert owned_there.filtered(lambda partner: partner.crm_release_days == 12)
    schedule = "ownership_deadline", "crm_release_rule", "crm_release_days", "next_followup_date"
    sample = owned_there[:100] | (owned - owned_there)[:100]
    before = {partner.id: tuple(partner[name] for name in schedule) for partner in sample}
    env["res.partner"]._crm_refresh_schedule(ids=sample.ids)
    sample.invalidate_recordset(list(schedule))
    assert {partner.id: tuple(partner[name] for name in schedule) for partner in sample} == before
    expired = owned.filtered(lambda partner: partner.ownership_deadline and partner.ownership_deadline <= NOW)
    assert len(expired) == 40


# -- prospect list to import (--import-file) ------------------------------------------


def prospect_row_keys(row):
    """The keys crm_lifecycle's import computes for a row of the prospect list."""
    cells = dict(zip(prospects.IMPORT_HEADERS, row, strict=True))
    codes = {name: code for code, name in words.COUNTRY_NAMES.items()}
    country = codes.get(cells["Country"])
    pairs = {
        ("name", normalize.company_name_key(cells["Company Name"])),
        ("vat", normalize.vat_key(cells["VAT"])),
        ("phone", normalize.phone_key(cells["Phone"], country)),
        ("phone", normalize.phone_key(cells["Mobile"], country)),
        ("email", normalize.email_key(cells["Email"])),
    }
    return {(kind, key) for kind, key in pairs if key}


def test_new_prospects_are_distinct_companies():
    first = prospects.import_first_index(4242)
    assert prospects.IMPORT_FIRST_INDEX <= first < first + prospects.IMPORT_SLOT_SIZE <= specs.INDEX_LIMIT
    assert prospects.import_first_index(4243) == first + prospects.IMPORT_SLOT_SIZE
    rng = specs.make_rng(4242, "import-new", 0)
    rows = [prospects.new_prospect(index, rng) for index in range(first, first + 3000)]
    seen = collections.Counter()
    for row, spec in rows:
        assert list(row) == list(prospects.IMPORT_HEADERS)
        assert row["Company Name"] == spec["name"] and row["Country"] in words.COUNTRY_NAMES.values()
        assert row["Contact Person"] and row["Street"] and row["Industry"] in words.IMPORT_INDUSTRIES
        keys = prospect_row_keys([row[header] for header in prospects.IMPORT_HEADERS])
        assert keys == prospects.prospect_keys(normalize, spec)
        seen.update(keys)
    assert max(seen.values()) == 1  # no key shared by two new companies


def test_duplicate_prospects_keep_a_key_of_the_customer(sample):
    rng = specs.make_rng(5, "import-duplicates", 0)
    kinds = collections.Counter()
    for spec in sample[:2000]:
        partner = dict(spec, **specs.partner_keys(normalize, spec))
        made = prospects.duplicate_prospect(partner, rng, normalize)
        assert made, spec
        row, keys = made
        shared = prospect_row_keys([row[header] for header in prospects.IMPORT_HEADERS])
        stored = {("name", partner["crm_name_key"]), ("vat", partner["crm_vat_key"])}
        stored |= {("phone", partner["crm_phone_key"]), ("phone", partner["crm_mobile_key"])}
        stored |= {("email", partner["crm_email_key"])}
        assert keys <= shared & stored and ("name", partner["crm_name_key"]) in keys
        assert len(keys) >= 2  # the name and at least one of phone, e-mail, VAT
        kinds.update(kind for kind, _key in keys)
        if row["Company Name"] != spec["name"]:
            assert normalize.company_name_key(row["Company Name"]) == partner["crm_name_key"]
    assert sum(1 for spec in sample[:2000] if spec["name"] != spec["name"].upper()) > 1000
    assert min(kinds["phone"], kinds["email"], kinds["vat"]) > 300


def read_xlsx(path):
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = [
        ["" if cell is None else cell for cell in row] for row in workbook.active.iter_rows(values_only=True)
    ]
    workbook.close()
    return rows


@pytest.fixture
def odoo_db():
    """The ORM and the generator on the same cursor of the database of ``make test``,
    rolled back at the end: the ORM reads what the generator writes."""
    dbname, config = os.environ.get("CRM_TEST_DB"), os.environ.get("CRM_ODOO_CONFIG")
    if not dbname or not config:
        pytest.skip("needs the database of make test (CRM_TEST_DB, CRM_ODOO_CONFIG)")
    import odoo
    from odoo.modules.registry import Registry

    # pytest-odoo has read the configuration (--odoo-config) already
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        db = database.Database.wrap(cr._cnx)
        db.commit = lambda: None
        try:
            yield env, db, config, dbname
        finally:
            cr.rollback()


def test_import_file_through_the_import_engine(odoo_db, tmp_path):
    """The prospect list of --import-file: its duplicates are exactly the rows that
    crm_lifecycle's import refuses as customers already there; the others are valid."""
    from odoo.addons.crm_lifecycle.utils import import_headers
    from odoo.addons.crm_lifecycle.wizards.customer_import_engine import CustomerImportEngine

    env, db, config, dbname = odoo_db
    path = tmp_path / "prospects.xlsx"
    argv = ["--config", config, "--database", dbname, "--prefix", "PYTEST", "--salespeople", "3"]
    argv += ["--partners", "1500", "--seed", "8", "--today", "2025-06-01", "--import-file", str(path)]
    args = cli.parse_args([*argv, "--import-rows", "600", "--import-duplicates", "0.2"])
    partners.generate_partners(db, args, NOW)
    assert prospects.write_import_file(db, args) == 600
    rows = read_xlsx(path)
    assert rows[0] == list(prospects.IMPORT_HEADERS) and len(rows) == 601
    assert all(isinstance(cell, str) for row in rows for cell in row)
    keys = [prospect_row_keys(row) for row in rows[1:]]
    known = prospects.known_keys(db, set().union(*keys))
    duplicates = {position for position, row_keys in enumerate(keys) if row_keys & known}
    assert len(duplicates) == 120
    assert max(collections.Counter(key for row_keys in keys for key in row_keys).values()) == 1

    env.invalidate_all()
    user = env.ref("base.user_demo")
    pool = env["crm.pool"].search([("is_default", "=", True), ("company_id", "=", env.company.id)], limit=1)
    columns = {index: import_headers.match_header(header) for index, header in enumerate(rows[0])}
    assert None not in columns.values()
    engine = CustomerImportEngine(
        env(user=user), filename=path.name, pool=pool, assign_to_me=False, columns=columns
    )
    results = engine.validate([(number, row) for number, row in enumerate(rows[1:], start=2)])
    statuses = {result.row_number - 2: result.status for result in results}
    assert {position for position, status in statuses.items() if status == "duplicate"} == duplicates
    assert collections.Counter(statuses.values()) == {"ok": 480, "duplicate": 120}
    assert not [result.message for result in results if result.status == "ok" and result.message]

    again = tmp_path / "again.xlsx"
    assert (
        prospects.write_import_file(
            db,
            cli.parse_args([*argv[:-1], str(again), "--import-rows", "600", "--import-duplicates", "0.2"]),
        )
        == 600
    )
    assert read_xlsx(again) == rows  # deterministic
    other = tmp_path / "other.xlsx"
    prospects.write_import_file(db, cli.parse_args([*argv[:-1], str(other), "--seed", "9"]))
    other_rows = read_xlsx(other)[1:]
    other_keys = [prospect_row_keys(row) for row in other_rows]
    other_known = prospects.known_keys(db, set().union(*other_keys))
    # another seed, other new companies (the copies of customers may pick the same customers)
    new_here = {row[0] for position, row in enumerate(rows[1:]) if position not in duplicates}
    new_there = {
        row[0] for row, row_keys in zip(other_rows, other_keys, strict=True) if not row_keys & other_known
    }
    assert len(new_there) == 900
    assert not new_here & new_there


def test_import_file_alone_from_the_command_line(tmp_path):
    """--partners 0: only the file, written from what the database holds."""
    dbname, config = os.environ.get("CRM_TEST_DB"), os.environ.get("CRM_ODOO_CONFIG")
    if not dbname or not config:
        pytest.skip("needs the database of make test (CRM_TEST_DB, CRM_ODOO_CONFIG)")
    path = tmp_path / "only.xlsx"
    argv = ["--config", config, "--database", dbname, "--partners", "0", "--import-file", str(path)]
    db = database.Database(config, dbname)
    try:
        partners_before = db.fetchall("SELECT count(*) FROM res_partner")[0][0]
    finally:
        db.close()
    assert cli.main([*argv, "--import-rows", "50", "--import-duplicates", "0.1"]) == 0
    rows = read_xlsx(path)
    assert len(rows) == 51 and rows[0] == list(prospects.IMPORT_HEADERS)
    db = database.Database(config, dbname)
    try:
        assert db.fetchall("SELECT count(*) FROM res_partner")[0][0] == partners_before
        keys = [prospect_row_keys(row) for row in rows[1:]]
        assert sum(bool(row_keys & prospects.known_keys(db, row_keys)) for row_keys in keys) == 5
    finally:
        db.close()


# -- history (--history) ------------------------------------------------------------


def history_partner(index, stage, **values):
    """A partner of plan_history: a customer owned since long, unless told otherwise."""
    partner = {
        "id": 1000 + index,
        "index": index,
        "stage": stage,
        "create_date": NOW - 1500 * DAY,
        "stage_date": NOW - 1400 * DAY,
        "user": 7,
        "owner_since": NOW - 20 * DAY,
        "last_contact": NOW - 2 * DAY,
        "pool_state": "owned",
        "previous_owner": None,
        "expired": False,
        "country_code": "PL",
    }
    partner.update(values)
    return partner


HISTORY_OPTIONS = {
    "years": 3,
    "lines_per_invoice": 5,
    "late_share": 0.25,
    "credit_note_share": 0.05,
    "salespeople": [7, 8],
    "terms": {0: 1, 30: 4, 15: 2},
}


def test_history_plans_follow_the_partner():
    """A customer's first order is the day it became one, the budget of invoice lines is met,
    payments never precede their invoice and the last contact message is the last contact."""
    customer = history_partner(1, "customer", stage_date=NOW - 400 * DAY)
    plan = history_plan.plan_history(customer, 120, 5, NOW, HISTORY_OPTIONS)
    invoiced = [order for order in plan["orders"] if order["invoice"] is not None]
    assert invoiced[0]["date"] == customer["stage_date"]
    assert sum(order["lines"] for order in invoiced) == 120
    assert all(order["date"] <= NOW and order["date"] >= customer["create_date"] for order in plan["orders"])
    for invoice in plan["invoices"]:
        assert invoice["date"] <= NOW.date() and invoice["due"] >= invoice["date"]
        for date, _share in invoice["payments"]:
            assert invoice["date"] <= date <= NOW.date()
    assert [date for date, _author, _kind in plan["messages"]][-1] == customer["last_contact"]
    assert {author for _date, author, _kind in plan["messages"]} == {7}
    same = history_plan.plan_history(customer, 120, 5, NOW, HISTORY_OPTIONS)
    assert [(o["date"], o["state"], o["lines"]) for o in same["orders"]] == [
        (o["date"], o["state"], o["lines"]) for o in plan["orders"]
    ]
    other = history_plan.plan_history(customer, 120, 6, NOW, HISTORY_OPTIONS)
    assert [o["date"] for o in other["orders"]] != [o["date"] for o in plan["orders"]]


def test_history_keeps_open_documents_for_safe_owners():
    """Open quotations and opportunities would exempt a customer from release: only owners
    that are not expired have them; an expired owner's prospect has them lost or cancelled."""
    opportunity = history_partner(2, "opportunity", stage_date=NOW - 60 * DAY)
    plan = history_plan.plan_history(opportunity, 0, 5, NOW, HISTORY_OPTIONS)
    assert [order["state"] for order in plan["orders"]] in (["sent"], ["draft"])
    assert history_plan.plan_facts(plan, opportunity["owner_since"]) == (False, False, True)
    expired = dict(opportunity, expired=True)
    plan = history_plan.plan_history(expired, 0, 5, NOW, HISTORY_OPTIONS)
    assert [order["state"] for order in plan["orders"]] == ["cancel"]
    assert [lead["state"] for lead in plan["leads"]] == ["lost"]
    assert history_plan.plan_facts(plan, opportunity["owner_since"]) == (False, False, False)
    released = history_partner(3, "potential", user=None, pool_state="pool", previous_owner=8)
    plan = history_plan.plan_history(released, 0, 5, NOW, HISTORY_OPTIONS)
    assert {lead["state"] for lead in plan["leads"]} == {"lost"} and not plan["activities"]
    assert {author for _date, author, _kind in plan["messages"]} == {8}
    silent = history_partner(4, "qualified", last_contact=None)
    plan = history_plan.plan_history(silent, 0, 5, NOW, HISTORY_OPTIONS)
    assert not plan["messages"] and [lead["type"] for lead in plan["leads"]] == ["lead"]
    invalid = history_partner(5, "invalid")
    plan = history_plan.plan_history(invalid, 0, 5, NOW, HISTORY_OPTIONS)
    assert [(lead["state"], lead["reason"]) for lead in plan["leads"]] == [("lost", "invalid")]


def test_schedule_with_documents_is_the_addons():
    """An open opportunity lifts the no-opportunity rule, a deal since the claim the no-deal
    rule; the pool's exemptions clear the deadline."""
    limits = specs.pool_limits(RULES)
    claim = datetime.datetime(2025, 5, 30, 9, 0)
    spec = {"stage": "qualified", "pool_state": "owned", "owner_since": claim, "create_date": claim}
    silent = dict(spec, last_contact_date=None)
    assert specs.schedule(silent, limits, (False, False, True))[:3] == (claim + 30 * DAY, "no_contact", 30)
    contacted = dict(spec, last_contact_date=claim + 40 * DAY)
    assert specs.schedule(contacted, limits, (False, False, True))[:3] == (
        claim + 70 * DAY,
        "no_contact",
        30,
    )
    assert specs.schedule(contacted, limits, (True, False, False))[:3] == (
        claim + 60 * DAY,
        "no_opportunity",
        60,
    )
    assert specs.schedule(contacted, limits, (True, True, True), (True, False))[:3] == (None,) * 3
    assert specs.schedule(contacted, limits, (False, False, True), (False, True))[:3] == (None,) * 3


def test_pareto_sizes_and_seasons():
    weights = [history_plan.pareto_weight(specs.make_rng(3, "size", index)) for index in range(20_000)]
    weights.sort(reverse=True)
    assert 0.55 < sum(weights[:4000]) / sum(weights) < 0.9  # the top fifth buys most
    parts = history_plan.split_by_weight(100_000, weights)
    assert sum(parts) == 100_000 and min(parts) >= 1 and parts[0] == max(parts)
    dates = history_plan.seasonal_dates(specs.make_rng(3, "season", 0), NOW - 730 * DAY, NOW, 20_000)
    months = collections.Counter(date.month for date in dates)
    assert months[12] > months[8] * 1.4  # the end-of-year peak, the summer dip
    assert sum(date.year == NOW.year - 1 for date in dates) > sum(date.year == NOW.year - 2 for date in dates)


def fake_reference():
    """The reference data of history_rows, as load_history_reference reads it."""
    constants = {
        key: {column: 1 if value is None else value for column, value in table_constants.items()}
        for key, _columns, table_constants in history_rows.HISTORY_COLUMNS.values()
    }
    return {
        "company": 1,
        "currency": 1,
        "constants": constants,
        "tax": {"id": 1, "rate": 150_000, "group": 1, "name": "15%", "account": 22, "invoice_line": 2},
        "users": {7: (70, '"Anna" <anna@example.com>'), 8: (80, '"Piotr" <piotr@example.com>')},
        "user_tz": {7: "Europe/Warsaw"},
        "teams": {7: 1, 8: 1},
        "in_payment_state": "paid",
        "prefixes": {"invoice": "INV/{year}/", "refund": "RINV/{year}/", "payment": "PBNK1/{year}/"},
        "order_prefix": "S",
        "order_padding": 5,
        "validity_days": 30,
        "sale_journal": 1,
        "bank_journal": 6,
        "company_bank": None,
        "income": 27,
        "receivable": 7,
        "outstanding": 49,
        "uom": 1,
        "lead_stages": {"new": 1, "qualified": 2, "potential": 3, "proposition": 3, "won": 4},
        "lost_reasons": {"normal": [1, 2], "invalid": [4]},
        "activity_types": {"call": 2, "email": 1, "meeting": 3, "todo": 4},
        "subtypes": {"note": 2, "activity": 3},
        "models": {"res.partner": 87, "crm.lead": 514},
        "method_name": "Manual Payment",
        "langs": {"pl_PL": 9},
        "terms": {0: 1, 30: 4, 15: 2},
    }


def history_job(seed=5, count=300):
    ref = fake_reference()
    ref["tax"]["refund_line"] = 4
    stages = ["customer", "customer", "opportunity", "potential", "qualified", "invalid", "pool"]
    rows = []
    for index in range(count):
        row = dict.fromkeys(history.HISTORY_PARTNER_COLUMNS)
        partner = history_partner(index, stages[index % len(stages)], stage_date=NOW - (index % 900) * DAY)
        row.update({key: value for key, value in partner.items() if key in row})
        row.update(name=f"Firma {index} Sp. z o.o.", email=f"biuro@firma{index}.pl", phone="+48 22 200 00 00")
        row.update(email_normalized=f"biuro@firma{index}.pl", lang="pl_PL", country_id=166)
        row.update(crm_name_key=f"firma{index}", crm_email_key=f"biuro@firma{index}.pl", pool=5)
        rows.append(tuple(row[key] for key in history.HISTORY_PARTNER_COLUMNS))
    partners = history.history_partners(rows, ref, NOW, None)
    budgets = [60 if partner["stage"] == "customer" else 0 for partner in partners]
    options = dict(HISTORY_OPTIONS, salespeople=[7, 8])
    limits = specs.pool_limits(RULES)
    job = {"seed": seed, "now": NOW, "options": options, "ref": ref, "products": products_of_catalogue()}
    job.update(partners=partners, budgets=budgets, limits={5: limits}, exempt={5: (True, True)})
    counts, dated = history_rows.history_counts(job)
    job["ids"] = {}
    first = 1
    for table in history_rows.HISTORY_TABLES:
        job["ids"][table] = list(range(first, first + counts[table]))
        first += counts[table]
    numbers = collections.Counter()
    job["numbers"] = {}
    for kind, date in sorted(dated):
        job["numbers"][(kind, date)] = [
            numbers[kind] + position + 1 for position in range(dated[(kind, date)])
        ]
        numbers[kind] += dated[(kind, date)]
    return job, counts


def products_of_catalogue():
    return [
        (100 + position, name, price * 100, cost * 100, kind)
        for position, (_code, name, price, cost, kind) in enumerate(words.CATALOGUE)
    ]


def test_history_rows_hold_their_columns_and_balance():
    """Pass 2 writes what pass 1 counted, each row with the columns the COPY names; the
    journal entries balance and the invoices' residuals are what their payments leave."""
    job, counts = history_job()
    out, schedules = history_rows.history_rows(job)
    for table, (key, columns, _constants) in history_rows.HISTORY_COLUMNS.items():
        width = len(columns) + len(job["ref"]["constants"][key])
        assert len(out.get(table, [])) == counts[table], table
        assert {len(line.split("\t")) for line in out.get(table, [])} <= {width}, table
    for key, (_table, columns) in history_rows.RELATIONS.items():
        assert {len(line.split("\t")) for line in out[key]} == {len(columns)}
    position = {
        name: number for number, name in enumerate(history_rows.HISTORY_COLUMNS["account_move_line"][1])
    }
    balances = collections.Counter()
    residuals = collections.Counter()
    for line in out["account_move_line"]:
        cells = line.split("\t")
        debit, credit, balance = (float(cells[position[name]]) for name in ("debit", "credit", "balance"))
        assert round(debit - credit, 2) == balance
        balances[cells[position["move_id"]]] += round(balance * 100)
        if cells[position["display_type"]] == "payment_term" and float(cells[position["debit"]]):
            residuals[cells[position["move_id"]]] = round(float(cells[position["amount_residual"]]) * 100)
    assert balances and not any(balances.values())
    moves = {name: number for number, name in enumerate(history_rows.MOVE_COLUMNS)}
    partial_amounts = collections.Counter()
    lines_by_id = {line.split("\t")[0]: line.split("\t") for line in out["account_move_line"]}
    for line in out["account_partial_reconcile"]:
        cells = line.split("\t")
        debit_line = lines_by_id[cells[1]]
        partial_amounts[debit_line[position["move_id"]]] += round(float(cells[4]) * 100)
    states = collections.Counter()
    for line in out["account_move"]:
        cells = line.split("\t")
        if cells[moves["move_type"]] != "out_invoice":
            continue
        total = round(float(cells[moves["amount_total"]]) * 100)
        residual = round(float(cells[moves["amount_residual"]]) * 100)
        assert residual == residuals[cells[0]] == total - partial_amounts[cells[0]]
        states[cells[moves["payment_state"]]] += 1
    assert {"paid", "not_paid"} <= set(states)
    assert schedules  # the documents lift some rules of the owners' schedules
    again, _schedules = history_rows.history_rows(history_job()[0])
    assert again == out  # deterministic
    other, _schedules = history_rows.history_rows(history_job(seed=6)[0])
    assert other["account_move_line"] != out["account_move_line"]


def test_history_in_the_database(odoo_db):
    """Leads, orders, invoices, payments, messages and activities of generated partners:
    consistent journal entries, residuals and payment states that Odoo recomputes the same,
    the same ownership schedule as crm_lifecycle's, contacts as last contact dates, and the
    ORM reads them (invoice lists, payment widgets, partner totals) without error."""
    env, db, config, dbname = odoo_db
    argv = ["--config", config, "--database", dbname, "--prefix", "PYTEST", "--salespeople", "3"]
    argv += ["--partners", "1500", "--seed", "8", "--today", "2025-06-01", "--expired", "60"]
    args = cli.parse_args([*argv, "--history", "--invoice-lines", "6000", "--credit-note-share", "0.1"])
    partners.generate_partners(db, args, NOW)
    written = history.generate_history(db, args, NOW)
    assert written["account_move_line"] > 6000 and written["mail_message"] > 500
    env.invalidate_all()
    generated = env["res.partner"].with_context(active_test=False).search([("ref", "=like", "PYTEST-%")])
    assert len(generated) == 1500
    invoices = env["account.move"].search(
        [("commercial_partner_id", "in", generated.ids), ("move_type", "=", "out_invoice")]
    )
    product_lines = invoices.invoice_line_ids.filtered(lambda line: line.display_type == "product")
    assert len(product_lines) == 6000  # --invoice-lines, exactly
    customers = generated.filtered(lambda partner: partner.lifecycle_stage_id.code == "customer")
    assert set(invoices.commercial_partner_id) == set(customers)
    by_customer = sorted(
        collections.Counter(line.partner_id.id for line in product_lines).values(), reverse=True
    )
    assert sum(by_customer[: len(by_customer) // 5]) > 0.5 * 6000  # Pareto
    states = collections.Counter(invoices.mapped("payment_state"))
    assert states["paid"] > states["not_paid"] > 0 and states["partial"] + states["reversed"] > 0
    today = NOW.date()
    overdue = invoices.filtered(lambda move: move.amount_residual and move.invoice_date_due < today)
    assert overdue
    # what is due is what the invoice list's "Overdue" filter (and the follow-up) looks for
    due_states = ("not_paid", "partial")
    assert all(bool(move.amount_residual) == (move.payment_state in due_states) for move in invoices)
    cr = env.cr
    cr.execute(
        "SELECT count(*) FROM (SELECT move_id FROM account_move_line l"
        "  JOIN account_move m ON m.id = l.move_id WHERE m.commercial_partner_id = ANY(%s)"
        " GROUP BY move_id HAVING sum(l.debit) != sum(l.credit)) x",
        (generated.ids,),
    )
    assert cr.fetchone()[0] == 0  # balanced
    cr.execute(
        """SELECT count(*) FILTER (WHERE part.max_date > m.invoice_date_due), count(*)
             FROM account_partial_reconcile part
             JOIN account_move_line l ON l.id = part.debit_move_id JOIN account_move m ON m.id = l.move_id
            WHERE m.id = ANY(%s)""",
        (invoices.ids,),
    )
    late, paid = cr.fetchone()
    assert 0 < late < paid  # some late payments
    # invoice numbers follow the dates
    numbered = invoices.sorted(lambda move: (move.invoice_date, move.sequence_number))
    for year in {move.invoice_date.year for move in numbered}:
        numbers = [move.sequence_number for move in numbered if move.invoice_date.year == year]
        assert numbers == sorted(numbers)
    # the contacts are the last contact dates
    cr.execute(
        """SELECT count(*) FROM res_partner p WHERE p.ref LIKE 'PYTEST-%%'
              AND p.last_contact_date IS DISTINCT FROM (
                  SELECT max(m.date) FROM mail_message m WHERE m.model = 'res.partner' AND m.res_id = p.id
                     AND (m.message_type = 'comment' OR m.mail_activity_type_id IS NOT NULL))"""
    )
    assert cr.fetchone()[0] == 0
    for table in history_rows.ANALYZED_HISTORY_TABLES:
        cr.execute(f"ANALYZE {table}")  # as the generator's command line does after its run
    # the expired owners are still exactly 60; the schedule is crm_lifecycle's (a sample of
    # the owners with documents: the addon's query scans account_move per partner)
    owned = generated.filtered(lambda partner: partner.crm_pool_state == "owned")
    assert len(owned.filtered(lambda partner: (partner.ownership_deadline or NOW) < NOW)) == 60
    busy = env["crm.lead"].search([("partner_id", "in", owned.ids)]).partner_id | invoices.partner_id
    sample = (owned & busy)[:150] | owned.filtered(lambda partner: (partner.ownership_deadline or NOW) < NOW)[
        :20
    ]
    assert sample.filtered(lambda partner: not partner.ownership_deadline)  # exempted by a deal
    schedule = "ownership_deadline", "crm_release_rule", "crm_release_days", "next_followup_date"
    before = {partner.id: tuple(partner[name] for name in schedule) for partner in sample}
    env["res.partner"]._crm_refresh_schedule(ids=sample.ids)
    sample.invalidate_recordset(list(schedule))
    assert {partner.id: tuple(partner[name] for name in schedule) for partner in sample} == before
    # Odoo recomputes the same values (stored computed fields that are not user input)
    samples = {
        "account.move": invoices | invoices.reversal_move_ids,
        "account.move.line": invoices.line_ids,
        "account.payment": env["account.payment"].search([("partner_id", "in", generated.ids)]),
        "sale.order": env["sale.order"].search([("partner_id", "in", generated.ids)]),
        "sale.order.line": env["sale.order.line"].search([("order_partner_id", "in", generated.ids)]),
        "crm.lead": env["crm.lead"]
        .with_context(active_test=False)
        .search([("partner_id", "in", generated.ids)]),
        "mail.activity": env["mail.activity"].search([("res_id", "in", generated.ids)]),
    }
    skipped = {"automated_probability", "outstanding_account_id"}  # Odoo's scoring; set by the flow
    for model, records in samples.items():
        assert records, model
        records = records[:400]
        fields = [
            field
            for field in records._fields.values()
            if field.store and field.compute and field.readonly and field.type != "one2many"
        ]
        fields = [field for field in fields if field.name not in skipped]
        stored = {(field.name, record.id): record[field.name] for field in fields for record in records}
        env.invalidate_all()
        for field in fields:
            env.add_to_compute(field, records)
        for (name, record_id), value in stored.items():
            computed = env[model].browse(record_id)[name]
            if records._fields[name].type in ("float", "monetary"):
                assert abs((computed or 0.0) - (value or 0.0)) < 0.006, (
                    model,
                    name,
                    record_id,
                    value,
                    computed,
                )
            else:
                assert computed == value, (model, name, record_id, value, computed)
        env.invalidate_all()
    # what the screens read
    fields = ["name", "invoice_date", "invoice_date_due", "amount_total_signed", "amount_residual_signed"]
    listed = env["account.move"].search_read(
        [("id", "in", invoices.ids)], [*fields, "payment_state"], limit=80
    )
    assert len(listed) == 80
    paid = invoices.filtered(lambda move: move.payment_state == "paid")[:20]
    for invoice in paid:
        widget = invoice.invoice_payments_widget
        assert widget and sum(item["amount"] for item in widget["content"]) == pytest.approx(
            invoice.amount_total
        )
    customer = max(customers, key=lambda partner: partner.total_invoiced)
    mine = invoices.filtered(lambda move: move.commercial_partner_id == customer)
    refunds = env["account.move"].search(
        [("commercial_partner_id", "=", customer.id), ("move_type", "=", "out_refund")]
    )
    assert customer.total_invoiced == pytest.approx(
        sum(mine.mapped("amount_untaxed_signed")) + sum(refunds.mapped("amount_untaxed_signed"))
    )
    assert customer.credit == pytest.approx(sum(mine.mapped("amount_residual_signed")))
    assert customer.sale_order_count >= len(mine)
    assert env["sale.order"].search_read(
        [("partner_id", "=", customer.id)], ["name", "amount_total", "margin"]
    )


# -- COPY format and command line ---------------------------------------------------


def test_copy_text_escapes():
    assert database.copy_text(None) == "\\N"
    assert database.copy_text(True) == "t"
    assert database.copy_text("a\tb\\c\nd") == "a\\tb\\\\c\\nd"
    assert database.copy_text(datetime.datetime(2025, 1, 2, 3, 4, 5, 678)) == "2025-01-02 03:04:05"
    assert database.copy_text(12) == "12"
    # the shared format of crm_lifecycle's import (utils/pg_copy.py): dates, JSON, microseconds kept
    from psycopg2.extras import Json

    assert database.PG_COPY.copy_text(datetime.date(2025, 1, 2)) == "2025-01-02"
    assert database.PG_COPY.copy_text(Json({"en_US": "a\tb"})) == '{"en_US": "a\\\\tb"}'
    assert (
        database.PG_COPY.copy_text(datetime.datetime(2025, 1, 2, 3, 4, 5, 678))
        == "2025-01-02 03:04:05.000678"
    )


def test_command_line_checks_its_arguments(capsys):
    args = cli.parse_args(["--config", "odoo.conf", "--database", "db", "--partners", "5"])
    assert (args.partners, args.seed, args.prefix, args.duplicate_share) == (5, 42, "GEN", 0.02)
    assert (args.expired, args.owned_share, args.released_share) == (None, None, specs.RELEASED_SHARE)
    exact = cli.parse_args(["--config", "c", "--database", "d", "--partners", "10", "--expired", "4"])
    assert exact.expired == 4
    for wrong in (
        ["--duplicate-share", "1.5"],
        ["--prefix", "a-b"],
        ["--partners", "-1"],
        ["--expired", "20000"],
        ["--owned-share", "2"],
        ["--cases", "-1"],
        ["--case-days", "0"],
    ):
        with pytest.raises(SystemExit):
            cli.parse_args(["--config", "c", "--database", "d", *wrong])
    assert "--duplicate-share" in capsys.readouterr().err


def test_cases_in_the_database(odoo_db):
    """--cases: open cases of generated companies on the named team and policy, their SLA clocks
    running; crm_service's engine plans their deadlines as resource.calendar.plan_hours does."""
    from odoo.addons.crm_service.utils.working_hours import round_to_second

    env, db, config, dbname = odoo_db
    calendar = env["resource.calendar"].create({"name": "Generator 8-16", "tz": "Europe/Warsaw"})
    team = env["crm.service.team"].create({"name": "Generator desk", "tier": "1"})
    agent = env.ref("base.user_admin")
    team.member_ids = agent
    policy = env["crm.sla.policy"].create(
        {
            "name": "Generator policy",
            "sequence": -500,
            "team_ids": [(6, 0, team.ids)],
            "response_hours": 6,
            "resolution_hours": 30,
            "calendar_id": calendar.id,
        }
    )
    env.flush_all()
    argv = ["--config", config, "--database", dbname, "--prefix", "PYTEST", "--salespeople", "2"]
    argv += ["--partners", "300", "--seed", "5", "--today", "2025-06-04"]
    argv += ["--cases", "250", "--case-team", "Generator desk", "--case-policy", "Generator policy"]
    args = cli.parse_args(argv)
    partners.generate_partners(db, args, NOW)
    now = datetime.datetime(2025, 6, 4, 12, 0)
    assert service.generate_cases(db, args, now) == 250
    env.invalidate_all()
    cases = env["crm.complaint"].search([("team_id", "=", team.id)])
    assert len(cases) == 250 and set(cases.mapped("state")) == {"open"}
    assert set(cases.mapped("sla_policy_id")) == {policy} and set(cases.user_id) == {agent}
    assert all(re.match(specs.MARKER_PATTERN, ref) for ref in cases.commercial_partner_id.mapped("ref"))
    assert all(case.name.startswith(service.NAME_PREFIX) for case in cases)
    assert all(now - datetime.timedelta(days=3) <= case.create_date <= now for case in cases)
    lines = cases.sla_line_ids
    assert len(lines) == 500 and not any(lines.mapped("deadline"))
    env["crm.complaint.sla.line"]._crm_replan_calendars(calendar)
    env.invalidate_all()
    assert all(lines.mapped("deadline"))
    for line in lines[:40]:
        expected = calendar.plan_hours(line.target_hours, line.start_date, compute_leaves=True)
        assert line.deadline == round_to_second(expected)
    assert all(case.response_deadline for case in cases)
    # a rerun adds cases numbered after these
    numbers = sorted(int(name.removeprefix(service.NAME_PREFIX)) for name in cases.mapped("name"))
    assert numbers == list(range(numbers[0], numbers[0] + 250))
    args = cli.parse_args([*argv[:-6], "--cases", "10", "--case-team", "Generator desk"])
    service.generate_cases(db, args, now)
    assert env["crm.complaint"].search_count([("team_id", "=", team.id)]) == 260
    assert env["crm.complaint"].search([("name", "=", f"{service.NAME_PREFIX}{numbers[-1] + 1}")])
    # a team that is not there is named in the message
    with pytest.raises(SystemExit, match="no active service team is named 'Nobody'"):
        service.generate_cases(db, cli.parse_args([*argv[:-6], "--cases", "1", "--case-team", "Nobody"]), now)


def test_birthdays_of_generated_partners(test_database):
    """--birthdays: a share of the generated partners get a birthday in 1950-2004, the same for
    the same seed; a second run keeps them; partners of other prefixes are not touched."""
    import argparse

    db, _config, _dbname = test_database
    if "crm_birthday" not in db.columns("res_partner"):
        pytest.skip("crm_service (crm_birthday) is not installed")
    # partners of the database made generated ones of the prefix PYBDAY (rolled back)
    db.cr.execute(
        """UPDATE res_partner SET ref = 'PYBDAY-' || id, crm_birthday = NULL
            WHERE id IN (SELECT id FROM res_partner WHERE id < (SELECT max(id) FROM res_partner)
                          ORDER BY id LIMIT 400)"""
    )
    generated = db.cr.rowcount
    assert generated >= 40
    db.cr.execute(
        """UPDATE res_partner SET ref = 'OTHER-1', crm_birthday = NULL
            WHERE id = (SELECT max(id) FROM res_partner)"""
    )
    args = argparse.Namespace(prefix="PYBDAY", seed=7, birthdays=0.5)
    written = care.generate_birthdays(db, args)
    assert 0.25 * generated < written < 0.75 * generated  # about half
    days = dict(db.fetchall("SELECT ref, crm_birthday FROM res_partner WHERE ref LIKE 'PYBDAY-%'"))
    born = [day for day in days.values() if day]
    assert len(born) == written
    assert min(born) >= datetime.date(1950, 1, 1) and max(born) <= datetime.date(2004, 12, 31)
    assert care.generate_birthdays(db, args) == 0  # the same seed: the same partners, kept
    assert db.fetchall("SELECT crm_birthday FROM res_partner WHERE ref = 'OTHER-1'") == [(None,)]
