"""The data generator (data/generate.py): its pure part, without database, and one run
into the database of ``make test`` (``CRM_TEST_DB``), rolled back."""

import collections
import datetime
import importlib.util
import os
from pathlib import Path

import pytest
from stdnum.cn import uscc
from stdnum.gb import vat as gb_vat
from stdnum.pl import nip

PROJECT_DIR = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("generate", PROJECT_DIR / "data" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)
normalize = generate.load_normalize()

NOW = datetime.datetime(2025, 6, 1, 12, 0)
SAMPLE = 10_000


@pytest.fixture(scope="module")
def sample():
    return generate.partner_specs(7, 0, SAMPLE, duplicate_share=0.05, now=NOW)


def identity(specs):
    return [
        (s["name"], s["email"], s["phone"], s["vat"], s["stage"], s["owner"], s["create_date"]) for s in specs
    ]


# -- determinism ---------------------------------------------------------------


def test_same_seed_same_partners():
    first = generate.partner_specs(42, 0, 3000, now=NOW)
    assert identity(first) == identity(generate.partner_specs(42, 0, 3000, now=NOW))
    other = generate.partner_specs(43, 0, 3000, now=NOW)
    assert sum(a != b for a, b in zip(identity(first), identity(other), strict=True)) > 2900


def test_a_continued_run_gives_what_one_run_gives(monkeypatch):
    """A re-run that continues after index 1234 (even mid-chunk) adds the same partners."""
    monkeypatch.setattr(generate, "CHUNK_SIZE", 2000)
    whole = generate.partner_specs(42, 0, 2500, now=NOW)
    head = generate.partner_specs(42, 0, 1234, now=NOW)
    tail = generate.partner_specs(42, 1234, 2500 - 1234, now=NOW)
    assert identity(head + tail) == identity(whole)
    chunks = list(generate.iter_partner_chunks(42, 1234, 2500 - 1234, now=NOW))
    assert [len(chunk) for chunk in chunks] == [2000 - 1234, 500]
    assert identity([s for chunk in chunks for s in chunk]) == identity(tail)


def test_permutation_is_a_bijection():
    small = generate.Permutation(12345, bits=10)
    assert sorted(small(value) for value in range(1024)) == list(range(1024))
    assert [small(value) for value in range(8)] != list(range(8))


# -- shares ----------------------------------------------------------------------


@pytest.mark.parametrize("share", [0.0, 0.02, 0.1])
def test_duplicate_share_is_honoured(share):
    specs = generate.partner_specs(3, 0, SAMPLE, duplicate_share=share, now=NOW)
    duplicates = [s for s in specs if s["duplicate_of"] is not None]
    assert abs(len(duplicates) / SAMPLE - share) < 0.006
    assert all(s["duplicate_of"] < s["index"] for s in duplicates)


def test_stages_form_a_funnel(sample):
    counts = collections.Counter(s["stage"] for s in sample)
    for code, share in generate.STAGE_SHARES.items():
        assert abs(counts[code] / SAMPLE - share) < 0.015, code
    assert counts["pool"] > counts["qualified"] > counts["potential"] > counts["opportunity"]
    owned = {code: sum(s["owner"] is not None for s in sample if s["stage"] == code) for code in counts}
    assert owned["customer"] / counts["customer"] > 0.9 > owned["pool"] / counts["pool"]
    assert {s["owner"] for s in sample} == set(range(8)) | {None}


def test_expired_owners_claimed_long_ago(sample):
    prospects = [s for s in sample if s["owner"] is not None and s["stage"] in generate.STAGE_ORDER[:-1]]
    expired = [s for s in prospects if s["expired"]]
    assert 0.06 < len(expired) / len(prospects) < 0.11  # young partners cannot be expired yet
    for partner in expired:
        assert (NOW - partner["owner_since"]).days >= generate.EXPIRED_OWNER_DAYS[0]
        assert partner["create_date"] <= partner["stage_date"] <= partner["owner_since"]
    for partner in prospects:
        if not partner["expired"]:
            assert (NOW - partner["owner_since"]).days <= generate.FRESH_OWNER_DAYS
    none = generate.partner_specs(7, 0, 5000, expired_share=0.0, now=NOW)
    assert not any(s["expired"] for s in none)


def test_histories_climb_the_funnel(sample):
    for partner in sample[:3000]:
        history = partner["history"]
        assert history[0] == "pool" and history[-1] == partner["stage"]
        forward = [code for code in history if code != "invalid"]
        positions = [generate.STAGE_ORDER.index(code) for code in forward]
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
            city, _e164, _formatted = generate.phone_number(partner["index"], partner["locale"])
            assert city == partner["city"]
            if partner["mobile"]:
                assert partner["country_code"] != "US"
                assert len("".join(ch for ch in partner["mobile"] if ch.isdigit())) in (11, 12, 13)


def test_mobiles_never_look_like_landlines():
    """A phone key matches phones and mobiles: their numbers must never meet."""
    for code, locale in generate.LOCALES.items():
        country = generate.PHONE_PREFIXES[locale["country"]]
        areas = tuple(country + area for _city, area in locale["cities"])
        for index in range(0, generate.INDEX_LIMIT, 9973):
            e164, formatted = generate.mobile_number(index, code)
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
    for column in generate.KEY_COLUMNS:
        assert f"{column} = fields.Char(" in mixin, column
    for partner in sample[:2000]:
        stored = generate.partner_keys(normalize, partner)
        assert stored == {
            column: keys_of(partner)[kind] or None for column, kind in generate.KEY_COLUMNS.items()
        }
    assert any(stored["crm_vat_key"] for stored in map(generate.partner_keys, [normalize] * 50, sample))


# -- ownership -------------------------------------------------------------------------

DAY = datetime.timedelta(days=1)
RULES = generate.DEFAULT_POOL_RULES
KEEP = (RULES["warn_days"] + generate.RULE_MARGIN_DAYS) * DAY  # safe owners stay that far from a deadline


def test_ownership_of_the_partners(sample):
    owned = [s for s in sample if s["owner"] is not None]
    pool = [s for s in sample if s["owner"] is None]
    assert {s["pool_state"] for s in owned} == {"owned"} and {s["pool_state"] for s in pool} == {"pool"}
    for partner in owned:
        assert partner["previous_owner"] is None and partner["released_date"] is None
        if partner["last_contact_date"]:
            assert partner["owner_since"] <= partner["last_contact_date"] <= NOW
    never = [s for s in owned if not s["last_contact_date"] and not s["expired"]]
    assert 0.05 < len(never) / len(owned) < generate.NEVER_CONTACTED_SHARE
    released = [s for s in pool if s["previous_owner"] is not None]
    assert abs(len(released) / len(pool) - generate.RELEASED_SHARE) < 0.03
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
            assert partner["deadline"] <= NOW - generate.RULE_MARGIN_DAYS * DAY
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
    monkeypatch.setattr(generate, "CHUNK_SIZE", 5000)
    specs = generate.partner_specs(5, start, count, expired_count=expired, now=NOW)
    assert len(specs) == count
    assert sum(s["expired"] for s in specs) == expired
    assert sum(bool(s["deadline"] and s["deadline"] <= NOW + KEEP) for s in specs) == expired
    assert all(
        s["stage"] in generate.STAGE_ORDER[:-1] and s["owner"] is not None for s in specs if s["expired"]
    )
    chunks = list(generate.iter_partner_chunks(5, start, count, expired_count=expired, now=NOW))
    assert len(chunks) > 1 or count <= 5000
    assert [s["expired"] for chunk in chunks for s in chunk] == [s["expired"] for s in specs]
    again = generate.partner_specs(5, start, count, expired_count=expired, now=NOW)
    assert [(s["owner_since"], s["last_contact_date"], s["deadline"]) for s in again] == [
        (s["owner_since"], s["last_contact_date"], s["deadline"]) for s in specs
    ]


def test_expired_count_moves_only_the_chosen_claims():
    plain = generate.partner_specs(9, 0, 4000, expired_share=0.0, now=NOW)
    exact = generate.partner_specs(9, 0, 4000, expired_count=700, now=NOW)
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
    with pytest.raises(generate.ExpiredCountError, match="ask for fewer"):
        generate.partner_specs(3, 0, 2000, expired_count=1500, now=NOW)


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
    limits = generate.pool_limits(rules)
    assert (limits["qualified"]["contact"], limits["qualified"]["deal"]) == (20, 90)  # None: the pool's
    assert (limits["pool"]["contact"], limits["customer"]["followup"], limits["qualified"]["followup"]) == (
        45,
        30,
        3,
    )
    specs = generate.partner_specs(21, 0, 6000, expired_count=900, now=NOW, rules=rules)
    assert sum(s["expired"] for s in specs) == 900
    keep = (rules["warn_days"] + generate.RULE_MARGIN_DAYS) * DAY
    for partner in specs:
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
    assert {s["release_rule"] for s in specs if s["owner"] is not None} <= {"no_contact", "no_deal"}


def test_schedule_is_the_addons():
    """The deadline is the first rule's, never within the protection; the follow-up counts
    from the last contact (or the claim)."""
    limits = generate.pool_limits(RULES)
    claim = datetime.datetime(2025, 5, 30, 9, 0)
    spec = {"stage": "qualified", "pool_state": "owned", "owner_since": claim, "create_date": claim}
    assert generate.schedule(dict(spec, last_contact_date=None), limits) == (
        claim + 30 * DAY,
        "no_contact",
        30,
        (claim + 14 * DAY).date(),
    )
    contacted = claim + 40 * DAY
    assert generate.schedule(dict(spec, last_contact_date=contacted), limits) == (
        claim + 60 * DAY,
        "no_opportunity",
        60,
        (contacted + 14 * DAY).date(),
    )
    short = generate.pool_limits(dict(RULES, no_contact_days=2, no_opportunity_days=0, no_deal_days=0))
    assert generate.schedule(dict(spec, last_contact_date=None), short)[:3] == (
        claim + 7 * DAY,
        "no_contact",
        2,
    )
    off = generate.pool_limits(dict(RULES, no_contact_days=0, no_opportunity_days=0, no_deal_days=0))
    assert generate.schedule(dict(spec, last_contact_date=None), off)[:3] == (None, None, None)
    assert generate.schedule(dict(spec, pool_state="pool", last_contact_date=None), limits) == (None,) * 4


def test_owned_share_replaces_the_funnel():
    specs = generate.partner_specs(4, 0, 5000, owned_share=0.2, now=NOW)
    assert abs(sum(s["owner"] is not None for s in specs) / 5000 - 0.2) < 0.02
    assert not any(s["owner"] is not None for s in generate.partner_specs(4, 0, 500, owners=0, now=NOW))


def test_copy_rows_hold_the_ownership_columns():
    """What partner_rows writes lines up with the columns generate_partners names."""
    stages = {code: number for number, code in enumerate(generate.STAGE_SHARES, start=1)}
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
        "pool": 5,
    }
    partner_lines, event_lines, ownership_lines = generate.partner_rows(job)
    width = len(generate.PARTNER_COLUMNS) + len(generate.OWNERSHIP_COLUMNS) + 1
    assert {len(line.split("\t")) for line in partner_lines} == {width}
    state = len(generate.PARTNER_COLUMNS)
    rows = [line.split("\t") for line in partner_lines]
    assert {row[state] for row in rows} == {"owned", "pool"} and {row[state + 1] for row in rows} == {"5"}
    assert sum(row[state + 7] != "\\N" and row[state + 7] < str(NOW) for row in rows) == 40  # deadline
    assert {len(line.split("\t")) for _pos, line in ownership_lines} == {
        len(generate.OWNERSHIP_EVENT_COLUMNS) - 1
    }
    kinds = collections.Counter(line.split("\t", 1)[0] for _pos, line in ownership_lines)
    assert kinds["assign"] == sum(row[state] == "owned" for row in rows) and kinds["release"] > 0
    assert len(event_lines) >= len(partner_lines)
    without = generate.partner_rows(dict(job, pool=None))
    assert {len(line.split("\t")) for line in without[0]} == {len(generate.PARTNER_COLUMNS) + 1}
    assert without[2] == []


# -- one run into a database -------------------------------------------------------------


@pytest.fixture
def test_database():
    """A connection to the database of ``make test`` (addons installed), in one transaction
    that the test rolls back: the generator's commits do nothing."""
    dbname, config = os.environ.get("CRM_TEST_DB"), os.environ.get("CRM_ODOO_CONFIG")
    if not dbname or not config:
        pytest.skip("needs the database of make test (CRM_TEST_DB, CRM_ODOO_CONFIG)")
    db = generate.Database(config, dbname)
    db.commit = lambda: None
    try:
        yield db, config, dbname
    finally:
        db.connection.rollback()
        db.close()


def test_generated_ownership_in_the_database(test_database):
    db, config, dbname = test_database
    today = datetime.date(2025, 6, 1)
    now = datetime.datetime(2025, 6, 1, 12, 0)
    args = generate.parse_args(
        ["--config", config, "--database", dbname, "--partners", "3000", "--expired", "321"]
        + ["--prefix", "PYTEST", "--seed", "8", "--salespeople", "4", "--today", today.isoformat()]
    )
    generate.generate_partners(db, args, now)
    pool_id = db.fetchall(
        "SELECT id FROM crm_pool WHERE company_id = %s AND is_default ORDER BY id LIMIT 1",
        (db.xmlid("base", "main_company"),),
    )[0][0]
    rows = db.fetchall(
        """
        SELECT crm_pool_state, (user_id IS NOT NULL), crm_pool_id, crm_locked,
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
    assert owned[1:4] == (True, pool_id, False) and pool[1:4] == (False, pool_id, False)
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


# -- COPY format and command line ---------------------------------------------------


def test_copy_text_escapes():
    assert generate.copy_text(None) == "\\N"
    assert generate.copy_text(True) == "t"
    assert generate.copy_text("a\tb\\c\nd") == "a\\tb\\\\c\\nd"
    assert generate.copy_text(datetime.datetime(2025, 1, 2, 3, 4, 5, 678)) == "2025-01-02 03:04:05"
    assert generate.copy_text(12) == "12"


def test_command_line_checks_its_arguments(capsys):
    args = generate.parse_args(["--config", "odoo.conf", "--database", "db", "--partners", "5"])
    assert (args.partners, args.seed, args.prefix, args.duplicate_share) == (5, 42, "GEN", 0.02)
    assert (args.expired, args.owned_share, args.released_share) == (None, None, generate.RELEASED_SHARE)
    exact = generate.parse_args(["--config", "c", "--database", "d", "--partners", "10", "--expired", "4"])
    assert exact.expired == 4
    for wrong in (
        ["--duplicate-share", "1.5"],
        ["--prefix", "a-b"],
        ["--partners", "-1"],
        ["--expired", "20000"],
        ["--owned-share", "2"],
    ):
        with pytest.raises(SystemExit):
            generate.parse_args(["--config", "c", "--database", "d", *wrong])
    assert "--duplicate-share" in capsys.readouterr().err
