"""The pure part of the data generator (data/generate.py): no database needed."""

import collections
import datetime
import importlib.util
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
    for wrong in (["--duplicate-share", "1.5"], ["--prefix", "a-b"], ["--partners", "-1"]):
        with pytest.raises(SystemExit):
            generate.parse_args(["--config", "c", "--database", "d", *wrong])
    assert "--duplicate-share" in capsys.readouterr().err
