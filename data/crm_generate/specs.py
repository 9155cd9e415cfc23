"""Random specs, pure (no database): the random streams (:func:`make_rng`), the fixed
permutations that keep brands, phone and VAT numbers unique (:class:`Permutation`), the
identity of a company, the ownership rules of a pool and the schedule crm_lifecycle computes
from them, and :func:`partner_specs`, which turns (seed, index range) into plain dicts. The
duplicate keys come from crm_lifecycle's own ``utils/normalize.py``, loaded by path."""

import bisect
import datetime
import importlib
import importlib.util
import itertools
import math
import random
import sys
from pathlib import Path

from .words import (
    BRAND_SYLLABLES,
    CHINESE_BRAND_CHARS,
    CN_REGIONS,
    CN_REGIONS_DEFAULT,
    LOCALE_CODES,
    LOCALE_WEIGHTS,
    LOCALES,
    NAME_PATTERNS,
    PHONE_PREFIXES,
    POLISH_MOBILE_PREFIXES,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent  # data/crm_generate/ -> the project
NORMALIZE_PATH = PROJECT_DIR / "crm_lifecycle" / "utils" / "normalize.py"
PG_COPY_PATH = PROJECT_DIR / "crm_lifecycle" / "utils" / "pg_copy.py"

CHUNK_SIZE = 50_000  # rows per COPY and per transaction; also the unit of the random streams
INDEX_BITS = 24  # generated partners are numbered 0 .. 2**24 - 1 (16.7 million)
INDEX_LIMIT = 1 << INDEX_BITS
DEFAULT_PREFIX = "GEN"
MARKER_PATTERN = r"^[A-Za-z0-9_]+-[0-9]{8}$"  # ref of a generated partner: <prefix>-<8 digits>

# Share of the partners in each lifecycle stage: a funnel, wide at the top.
STAGE_SHARES = {
    "pool": 0.40,
    "qualified": 0.21,
    "potential": 0.13,
    "opportunity": 0.09,
    "customer": 0.12,
    "invalid": 0.05,
}
STAGE_ORDER = ("pool", "qualified", "potential", "opportunity", "customer")
# Share of the partners of each stage that have an owner (the rest sit in the public pool).
OWNED_SHARES = {
    "pool": 0.45,
    "qualified": 0.85,
    "potential": 0.92,
    "opportunity": 0.95,
    "customer": 0.97,
    "invalid": 0.30,
}
# Trigger of the timeline event that moved a partner into each stage.
STAGE_TRIGGERS = {
    "pool": "import",
    "qualified": "lead",
    "potential": "lead",
    "opportunity": "quotation",
    "customer": "order",
    "invalid": "lead",
}
HISTORY_DAYS = 5 * 365  # partners were created during the last five years
FRESH_OWNER_DAYS = 25  # owners of prospects that are not expired claimed them this recently
EXPIRED_OWNER_DAYS = (120, 720)  # ... and expired ones that long ago, without contact since
ARCHIVED_SHARE = 0.02
# Ownership rules of the pool the dates are placed against, in days (0: rule off): those of
# the database's default pool (``crm.pool``, with its levels by stage), else these, the
# defaults of a new pool.
DEFAULT_POOL_RULES = {
    "no_contact_days": 30,
    "no_opportunity_days": 60,
    "no_deal_days": 180,
    "protection_days": 7,
    "warn_days": 3,
    "followup_days": 14,
    "levels": {},  # {stage code: {rule: days or None (the pool's)}}
    "stage_followup_days": {},  # {stage code: days}: the stage's follow-up interval
}
LEVEL_RULES = ("no_contact_days", "no_opportunity_days", "no_deal_days", "followup_days")
# Days kept between a date and any deadline, so that the hour the release cron runs at
# (and the clock moving on after the generation) never decides who is released.
RULE_MARGIN_DAYS = 2
NEVER_CONTACTED_SHARE = 0.15  # owners who claimed recently and have not called yet
RELEASED_SHARE = 0.6  # customers in the pool that had an owner before, released by a rule
# The reasons the release cron writes (crm_lifecycle/models/res_partner.py), in English.
RELEASE_REASONS = {
    "no_contact": "No contact for {days} days.",
    "no_opportunity": "No open opportunity or quotation {days} days after the claim.",
    "no_deal": "No confirmed order or posted invoice {days} days after the claim.",
}


CN_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the 31 characters of a unified social credit code
CN_CODE_VALUES = {char: value for value, char in enumerate(CN_CODE_CHARS)}
CN_CODE_WEIGHTS = [pow(3, position, 31) for position in range(17)]
CN_CODE_SPREAD = 1_000_003  # a prime, so coprime with 31**9


# ---------------------------------------------------------------------------
# Random streams and permutations (pure)
# ---------------------------------------------------------------------------


def make_rng(seed, kind, first_index):
    """The random stream of one kind of record, for the chunk starting at ``first_index``.

    Seeding with a string is stable across Python processes and versions 3.2+.
    """
    return random.Random(f"{seed}/{kind}/{first_index}")


class Permutation:
    """A fixed bijection of [0, 2**bits): a 4-round Feistel network.

    Turns consecutive indices into scattered, never repeated values, from which
    brands, phone numbers and VAT numbers are decoded.
    """

    def __init__(self, key, bits=INDEX_BITS):
        if bits % 2:
            raise ValueError("Permutation needs an even number of bits.")
        self.half = bits // 2
        self.mask = (1 << self.half) - 1
        self.keys = [(key * 0x9E3779B1 + round_no * 0x85EBCA77) & 0xFFFFFFFF for round_no in range(4)]

    def __call__(self, value):
        left, right = value >> self.half, value & self.mask
        for key in self.keys:
            mixed = ((right ^ key) * 0x45D9F3B) & 0xFFFFFFFF
            mixed ^= mixed >> 16
            left, right = right, left ^ (mixed & self.mask)
        return (left << self.half) | right


BRAND_PERMUTATION = Permutation(0xB7A1D)
PHONE_PERMUTATION = Permutation(0x9F0E5)
VAT_PERMUTATION = Permutation(0x7A7A7)
MOBILE_PERMUTATION = Permutation(0x3C6EF)


# ---------------------------------------------------------------------------
# Identities of a company (pure)
# ---------------------------------------------------------------------------


def latin_brand(index):
    """A pronounceable brand, the same for the same index, different for any other."""
    value = BRAND_PERMUTATION(index)
    syllables = [BRAND_SYLLABLES[(value >> shift) & 63] for shift in (18, 12, 6, 0)]
    return "".join(syllables).capitalize()


def chinese_brand(index):
    """(characters, pinyin) of a three-character Chinese brand."""
    value = BRAND_PERMUTATION(index)
    chars = [CHINESE_BRAND_CHARS[(value >> shift) & 255] for shift in (16, 8, 0)]
    return "".join(char for char, _pinyin in chars), "".join(pinyin for _char, pinyin in chars)


def phone_number(index, locale_code):
    """(city, E.164 number, formatted number) of the company ``index``.

    The number is unique per country; the city is the one of its area code.
    """
    locale = LOCALES[locale_code]
    cities = locale["cities"]
    value = PHONE_PERMUTATION(index)
    city, area = cities[value % len(cities)]
    rest = value // len(cities)  # < 2**24 / 8 = 2,097,152
    country = PHONE_PREFIXES[locale["country"]]
    if locale_code == "gb":
        subscriber = f"{3_000_000 + rest:07d}" if len(area) == 3 else f"{70_000_000 + rest:08d}"
        if len(area) == 2:
            formatted = f"+44 {area} {subscriber[:4]} {subscriber[4:]}"
        else:
            formatted = f"+44 {area} {subscriber[:3]} {subscriber[3:]}"
    elif locale_code == "us":
        subscriber = f"{2_000_000 + rest:07d}"
        formatted = f"+1 ({area}) {subscriber[:3]}-{subscriber[3:]}"
    elif locale_code == "pl":
        subscriber = f"{2_000_000 + rest:07d}"
        formatted = f"+48 {area} {subscriber[:3]} {subscriber[3:5]} {subscriber[5:]}"
    else:
        digits = 8 if len(area) == 2 else 7
        subscriber = f"{(20_000_000 if digits == 8 else 2_000_000) + rest:0{digits}d}"
        formatted = f"+86 {area} {subscriber[:-4]} {subscriber[-4:]}"
    return city, f"+{country}{area}{subscriber}", formatted


MOBILE_SHARE = 0.3  # companies that also give a mobile number (not in the US, where they look alike)


def mobile_number(index, locale_code):
    """(E.164 number, formatted number) of the mobile of company ``index``; unique per country."""
    value = MOBILE_PERMUTATION(index)  # < 2**24: 8 digits
    if locale_code == "gb":
        subscriber = f"7{value + 400_000_000:09d}"[:10]
        return f"+44{subscriber}", f"+44 {subscriber[:4]} {subscriber[4:]}"
    if locale_code == "pl":
        prefixes = POLISH_MOBILE_PREFIXES
        subscriber = f"{prefixes[value % len(prefixes)]}{value // len(prefixes):07d}"
        return f"+48{subscriber}", f"+48 {subscriber[:3]} {subscriber[3:6]} {subscriber[6:]}"
    if locale_code == "cn":
        subscriber = f"1{3 + value % 7}{value // 7 % 10}{value // 70 + 10_000_000:08d}"
        return f"+86{subscriber}", f"+86 {subscriber[:3]} {subscriber[3:7]} {subscriber[7:]}"
    return None, None


def phone_variant(e164, locale_code, rng):
    """The same number as a person would type it in another form."""
    locale = LOCALES[locale_code]
    country = PHONE_PREFIXES[locale["country"]]
    national = e164[1 + len(country) :]
    style = rng.randrange(3)
    if style == 0:
        return f"00{country} {national}"
    if style == 1:
        return f"+{country}-{national[:3]}-{national[3:6]}-{national[6:]}"
    return f"+{country}{national}"


def polish_nip(value):
    """A valid Polish NIP (10 digits, checksum) from ``value`` < 2**24."""
    office = 101 + value % 899
    rest = value // 899  # < 18,663
    digits = [int(d) for d in f"{office:03d}{rest:05d}"]
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    for ninth in range(10):
        check = (sum(w * d for w, d in zip(weights, [*digits, ninth], strict=True))) % 11
        if check != 10:
            return "".join(map(str, digits)) + f"{ninth}{check}"
    raise AssertionError("unreachable: 7 * d takes ten residues modulo 11")


def british_vat(value):
    """A British VAT number (9 digits, modulus 97 check) when ``value`` fits 7 digits."""
    if value >= 10_000_000:
        return None
    digits = [int(d) for d in f"{value:07d}"]
    total = sum(w * d for w, d in zip((8, 7, 6, 5, 4, 3, 2), digits, strict=True))
    check = -total % 97
    return f"{value:07d}{check:02d}"


def chinese_credit_code(value, city):
    """A Chinese unified social credit code (18 characters, GB 32100-2015 check)."""
    body = "91" + CN_REGIONS.get(city, CN_REGIONS_DEFAULT)
    value = value * CN_CODE_SPREAD % 31**9  # a bijection that spreads the values over all 9 characters
    org = []
    for _position in range(9):
        value, digit = divmod(value, 31)
        org.append(CN_CODE_CHARS[digit])
    body += "".join(reversed(org))
    total = sum(CN_CODE_VALUES[char] * weight for char, weight in zip(body, CN_CODE_WEIGHTS, strict=True))
    return body + CN_CODE_CHARS[(31 - total % 31) % 31]


def vat_number(index, locale_code, city):
    """The VAT (tax id) of the company ``index``, None when it has none.

    US companies have no VAT; some British ones are below the threshold.
    """
    value = VAT_PERMUTATION(index)
    if locale_code == "pl":
        return "PL" + polish_nip(value)
    if locale_code == "gb":
        number = british_vat(value)
        return f"GB{number}" if number else None
    if locale_code == "cn":
        return chinese_credit_code(value, city)
    return None


def vat_variant(vat, rng):
    """The same VAT number as typed on another form: spaces, dashes, no country prefix."""
    prefix = vat[:2] if vat[:2].isalpha() else ""
    body = vat[len(prefix) :]
    style = rng.randrange(3)
    if style == 0:
        return body
    if style == 1:
        return " ".join(body[i : i + 3] for i in range(0, len(body), 3))
    return f"{prefix} " + "-".join(body[i : i + 4] for i in range(0, len(body), 4))


NAME_PATTERNS["us"] = NAME_PATTERNS["gb"]


def company_name(pattern, brand, industry, legal, city):
    """A company name from one of ``NAME_PATTERNS``."""
    return pattern.format(brand=brand, industry=industry, legal=legal, city=city)


def name_variant(spec, rng):
    """The same company as another salesperson would type it: the other spelling of
    its legal form, another case, a double space."""
    locale = LOCALES[spec["locale"]]
    short, long = locale["legal"][spec["legal_index"]]
    legal = long if spec["legal"] == short else short
    name = company_name(spec["pattern"], spec["brand"], spec["industry"], legal, spec["city"])
    if spec["locale"] == "cn":
        # half-width brackets, or a space after the city
        name = (
            name.replace("（", "(").replace("）", ")")
            if "（" in name
            else name.replace(spec["city"], spec["city"] + " ", 1)
        )
    else:
        style = rng.randrange(3)
        if style == 0:
            name = name.upper()
        elif style == 1:
            name = name.lower()
        else:
            name = name.replace(" ", "  ", 1)
    return name


# ---------------------------------------------------------------------------
# Partner specs (pure)
# ---------------------------------------------------------------------------


STAGE_CODES = list(STAGE_SHARES)
STAGE_CUMULATIVE = list(itertools.accumulate(STAGE_SHARES.values()))
LOCALE_CUMULATIVE = list(itertools.accumulate(LOCALE_WEIGHTS))


def pick(rng, items, cumulative):
    """One of ``items``, drawn with the weights whose running totals are ``cumulative``."""
    return items[min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(items) - 1)]


def company_identity(index, rng):
    """Name, contact data and address of the company ``index`` (unique brand)."""
    locale_code = pick(rng, LOCALE_CODES, LOCALE_CUMULATIVE)
    locale = LOCALES[locale_code]
    city, e164, phone = phone_number(index, locale_code)
    industry = rng.choice(locale["industries"])
    legal_index = pick(rng, range(len(locale["legal"])), locale["legal_cumulative"])
    legal = locale["legal"][legal_index][0]
    patterns = NAME_PATTERNS[locale_code]
    pattern = patterns[0][0] if rng.random() < patterns[0][1] else rng.choice(patterns[1:])[0]
    mailbox = rng.choice(locale["mailboxes"])
    if locale_code == "cn":
        brand, pinyin = chinese_brand(index)
        if rng.random() < 0.25:
            email = f"{pinyin}{rng.randrange(10, 100)}@{rng.choice(locale['free_mail'])}"
        else:
            email = f"{mailbox}@{pinyin}{rng.choice(locale['domains'])}"
    else:
        brand = latin_brand(index)
        domain = brand.lower()
        if rng.random() < 0.3:
            domain += "-" + industry.lower().replace("ó", "o").replace("ł", "l").replace("ę", "e")
        email = f"{mailbox}@{domain}{rng.choice(locale['domains'])}"
    mobile = mobile_number(index, locale_code)[1] if rng.random() < MOBILE_SHARE else None
    return {
        "locale": locale_code,
        "country_code": locale["country"],
        "lang": locale["lang"],
        "brand": brand,
        "industry": industry,
        "legal": legal,
        "legal_index": legal_index,
        "city": city,
        "pattern": pattern,
        "name": company_name(pattern, brand, industry, legal, city),
        "email": email,
        "phone": phone,
        "phone_e164": e164,
        "mobile": mobile,
        "vat": vat_number(index, locale_code, city),
    }


def _duplicate_identity(original, rng):
    """A second record of the company ``original``: differently typed, same customer.

    It keeps the original's identifiers in another spelling; most share several
    (name and phone, or VAT and e-mail), some only one.
    """
    spec = dict(original)
    spec["name"] = name_variant(original, rng)
    same = set(rng.sample(["email", "phone", "vat"], rng.randrange(1, 4)))
    if not original["vat"] and same == {"vat"}:
        same = {"phone"}  # keep at least one identifier the original has
    locale = LOCALES[original["locale"]]
    if "email" in same:
        spec["email"] = original["email"].upper() if rng.random() < 0.5 else original["email"]
    else:
        local, domain = original["email"].split("@")
        mailboxes = [box for box in locale["mailboxes"] if box != local]
        spec["email"] = f"{rng.choice(mailboxes)}.{rng.randrange(100, 1000)}@{domain}"
    if "phone" in same:
        spec["phone"] = phone_variant(original["phone_e164"], original["locale"], rng)
    else:
        spec["phone"] = None
        spec["phone_e164"] = None
    spec["mobile"] = None
    if original["vat"] and "vat" in same:
        spec["vat"] = vat_variant(original["vat"], rng)
    else:
        spec["vat"] = None
    return spec


def _days(value):
    return datetime.timedelta(days=value)


def pool_limits(rules=None):
    """{stage code: the day limits a partner of that stage lives under}, from a pool's ``rules``.

    As the addon's schedule (``crm.pool._schedule_query``) reads them: a rule of the
    stage's pool level when the level sets it (0 included), else the pool's; the
    follow-up interval of the level, else of the stage, else of the pool. Derived:
    ``contact_window`` (a safe owner contacted the customer at most this many days ago),
    ``claim_window`` (... and claimed it at most this many days ago), ``expired_after``
    (an expired owner claimed it longer ago than this; None where no rule applies) and
    ``stale_after`` (... and last contacted it longer ago than this: no_contact_days +
    protection_days, and a margin).
    """
    rules = rules or DEFAULT_POOL_RULES
    protection = rules.get("protection_days") or 0
    keep = (rules.get("warn_days") or 0) + RULE_MARGIN_DAYS  # out of the warning period too
    limits = {}
    for stage in STAGE_SHARES:
        level = (rules.get("levels") or {}).get(stage) or {}
        contact, opportunity, deal = (
            (level[name] if level.get(name) is not None else rules.get(name)) or 0 for name in LEVEL_RULES[:3]
        )
        followups = (level.get("followup_days"), (rules.get("stage_followup_days") or {}).get(stage))
        claim = min([value for value in (opportunity, deal) if value > 0], default=None)
        first = min([value for value in (contact, opportunity, deal) if value > 0], default=None)
        limits[stage] = {
            "contact": contact,
            "opportunity": opportunity,
            "deal": deal,
            "protection": protection,
            "followup": next((value for value in (*followups, rules.get("followup_days")) if value), None),
            "contact_window": max(contact - keep, 0) if contact else None,
            "claim_window": max(claim - keep, 0) if claim else None,
            "expired_after": first + protection + RULE_MARGIN_DAYS if first else None,
            "stale_after": (contact if contact else first or 0) + protection + RULE_MARGIN_DAYS,
        }
    return limits


def _expiry_floor(limits, stage):
    """Days since the claim of an expired owner at least: months, and past every deadline."""
    after = limits[stage]["expired_after"]
    return None if after is None else max(EXPIRED_OWNER_DAYS[0], after)


def _dates(spec, rng, now, expired_share, limits):
    """Creation, stage and ownership dates (naive UTC datetimes).

    Owners that are not expired claimed the partner recently enough for no release rule
    of ``limits`` to be near (they would be warned, then released, otherwise).
    """
    age = HISTORY_DAYS * (1.0 - math.sqrt(rng.random()))  # more recent partners than old ones
    created = (now - datetime.timedelta(days=age, seconds=rng.randrange(86400))).replace(microsecond=0)
    stage = spec["stage"]
    claim_window = limits[stage]["claim_window"]
    floor = _expiry_floor(limits, stage)
    expired = False
    if not spec["owned"]:
        owner_since = None
    elif stage in ("customer", "invalid"):
        if claim_window is None:  # no rule counted from the claim: owners of long standing
            owner_since = created + (now - created) * rng.random() * 0.5
        else:
            owner_since = now - _days(rng.random() * min(claim_window, age))
    elif rng.random() < expired_share and floor is not None and age > floor:
        expired = True
        owner_since = now - _days(rng.uniform(floor, max(floor, min(EXPIRED_OWNER_DAYS[1], age))))
    else:
        window = min(FRESH_OWNER_DAYS, age, claim_window if claim_window is not None else age)
        owner_since = now - _days(rng.uniform(0, window))
    # the stage was reached after the creation (and for an expired owner, before the claim);
    # customers mostly bought early in their life: they have a history of orders since
    latest = owner_since if expired else now
    share_ = 0.02 + 0.4 * rng.random() if stage == "customer" else 0.3 + 0.7 * rng.random()
    stage_date = created + (latest - created) * share_ if stage != "pool" else created
    stage_date = stage_date.replace(microsecond=0)
    owner_since = owner_since.replace(microsecond=0) if owner_since else None
    spec.update(create_date=created, owner_since=owner_since, stage_date=stage_date, expired=expired)


class ExpiredCountError(ValueError):
    """More expired owners asked for than the partners generated can hold."""


def _expire(specs, quota, rng, now, pool_limits_list):
    """Make exactly ``quota`` of ``specs`` expired owners: old enough owned prospects, drawn
    at random, whose claim moves back past every deadline of their pool (``pool_limits_list``:
    the limits of each pool) and their stage date with it."""
    candidates = []
    for spec in specs:
        floor = _expiry_floor(pool_limits_list[spec["pool"] or 0], spec["stage"])
        if spec["owned"] and spec["stage"] in STAGE_ORDER[:-1] and floor is not None:
            if (now - spec["create_date"]).total_seconds() / 86400 > floor + 1:
                candidates.append((spec, floor))
    if quota > len(candidates):
        first, last = specs[0]["index"], specs[-1]["index"]
        raise ExpiredCountError(
            f"{quota} expired owners asked among partners {first}..{last}, which have only "
            f"{len(candidates)} owned prospects claimable long enough ago: ask for fewer."
        )
    for spec, floor in sorted(rng.sample(candidates, quota), key=lambda item: item[0]["index"]):
        created = spec["create_date"]
        age = (now - created).total_seconds() / 86400
        owner_since = (now - _days(rng.uniform(floor, max(floor, min(EXPIRED_OWNER_DAYS[1], age))))).replace(
            microsecond=0
        )
        if spec["stage"] != "pool":  # reached before the claim, at the same place in between
            fraction = (spec["stage_date"] - created) / (now - created)
            spec["stage_date"] = (created + (owner_since - created) * fraction).replace(microsecond=0)
        spec.update(owner_since=owner_since, expired=True)


def _ownership(spec, rng, now, pool_limits_list, owner_slots, owner_cumulative, released_share, owner_pools):
    """Contact and pool dates: owners contacted their customers lately (the expired ones
    long ago, or never); most customers in the pool had an owner, released by a rule.

    The pool of an owned partner is its owner's (``owner_pools``: the pool of each owner
    slot); a partner in the pool is in the pool of its previous owner, or of the salesperson
    whose team found it: the pool of a slot drawn like an owner. ``pool_limits_list``: the
    limits of each pool.

    Draws four numbers whatever the partner, so that a continued run stays stable.
    """
    draws = [rng.random() for _ in range(4)]
    slot = None
    if owner_slots:
        slot = owner_slots[
            min(bisect.bisect(owner_cumulative, draws[3] * owner_cumulative[-1]), len(owner_slots) - 1)
        ]
    if spec["pool"] is None:
        spec["pool"] = owner_pools[slot] if slot is not None else 0
    limits = pool_limits_list[spec["pool"]]
    limit = limits[spec["stage"]]
    values = dict(
        pool_state="owned" if spec["owned"] else "pool",
        last_contact_date=None,
        previous_owner=None,
        released_date=None,
        release_reason=None,
    )
    if spec["owned"]:
        claimed = (now - spec["owner_since"]).total_seconds() / 86400
        if spec["expired"]:
            stale = limit["stale_after"]
            if draws[0] >= 0.5 and stale < claimed:  # the others never called
                values["last_contact_date"] = now - _days(stale + (claimed - stale) * draws[1])
        else:
            window = claimed if limit["contact_window"] is None else min(claimed, limit["contact_window"])
            if not (draws[0] < NEVER_CONTACTED_SHARE and claimed <= window):
                values["last_contact_date"] = now - _days(window * draws[1])
    elif owner_slots and draws[0] < released_share:
        created = spec["create_date"]
        released = created + (now - created) * draws[1]
        rule = next((name for name in ("contact", "opportunity", "deal") if limit[name]), None)
        reason = RELEASE_REASONS[f"no_{rule}"].format(days=limit[rule]) if rule else None
        last_contact = released - _days((limit[rule] if rule else 0) + 30 * draws[2])
        values.update(
            previous_owner=slot,
            released_date=released.replace(microsecond=0),
            release_reason=reason,
            last_contact_date=last_contact if last_contact > created else None,
        )
    if values["last_contact_date"]:
        values["last_contact_date"] = values["last_contact_date"].replace(microsecond=0)
    spec.update(values)
    deadline, rule, days, followup = schedule(spec, limits)
    spec.update(deadline=deadline, release_rule=rule, release_days=days, followup_date=followup)


def schedule(spec, limits, facts=None, exempt=(False, False)):
    """(deadline, rule, rule days, next follow-up date) of an owned partner, as the addon's
    schedule computes them for a partner that is not locked; all None for a partner in the
    pool. The release cron releases the partner once the deadline has passed.

    ``facts``: (has a deal, a deal since the claim, an open opportunity or quotation), all
    False by default (a partner without documents); ``exempt``: the pool's exemptions of
    customers with a deal and with an open opportunity.
    """
    if spec["pool_state"] != "owned":
        return None, None, None, None
    limit = limits[spec["stage"]]
    since = spec["owner_since"] or spec["create_date"]
    last = max(spec["last_contact_date"] or since, since)
    deal, deal_since, opportunity = facts or (False, False, False)
    rules = [
        (start + _days(limit[name]), f"no_{name}", limit[name])
        for name, start, met in (
            ("contact", last, False),
            ("opportunity", since, opportunity),
            ("deal", since, deal_since),
        )
        if limit[name] > 0 and not met
    ]
    followup = (last + _days(limit["followup"] or 0)).date()
    if not rules or (exempt[0] and deal) or (exempt[1] and opportunity):
        return None, None, None, followup
    first = min(date for date, _rule, _days_ in rules)
    rule, days = next((name, days) for date, name, days in rules if date == first)
    return max(first, since + _days(limit["protection"])), rule, days, followup


def _history(spec, rng):
    """The stages the partner went through, in order, ending with its current one."""
    stage = spec["stage"]
    if stage == "pool":
        return ["pool"]
    if stage == "invalid":
        reached = STAGE_ORDER[: rng.randrange(1, 3)]
        return [*reached, "invalid"]
    path = list(STAGE_ORDER[: STAGE_ORDER.index(stage) + 1])
    # some customers skip an intermediate stage (a direct order, a quick quotation)
    inner = [code for code in path[1:-1] if rng.random() < 0.2]
    return [code for code in path if code not in inner]


def chunk_segments(start, count):
    """[(first index, count)] of the indices ``start`` .. ``start + count - 1``, cut at the
    chunks: the unit of the random streams, of the COPYs and of the transactions."""
    segments = []
    position, end = start, start + count
    while position < end:
        size = min(CHUNK_SIZE - position % CHUNK_SIZE, end - position)
        segments.append((position, size))
        position += size
    return segments


def split_count(total, sizes):
    """``total`` split over parts of ``sizes`` in proportion, as integers adding up to ``total``."""
    whole = sum(sizes)
    quotas, before, running = [], 0, 0
    for size in sizes:
        running += size
        upto = total * running // whole if whole else 0
        quotas.append(upto - before)
        before = upto
    return quotas


def partner_specs(
    seed,
    start,
    count,
    duplicate_share=0.02,
    expired_share=0.1,
    now=None,
    owners=8,
    expired_count=None,
    owned_share=None,
    released_share=RELEASED_SHARE,
    rules=None,
    pool_rules=None,
    owner_pools=None,
):
    """The partners of global indices ``start`` .. ``start + count - 1``, as dicts.

    Pure and deterministic: the same arguments give the same partners. Each spec
    holds the company's identity (``name``, ``email``, ``phone``, ``vat``,
    ``country_code``, ``city``...), its lifecycle (``stage``, ``history``),
    ``owner`` (an index in a list of ``owners`` salespeople, or None), dates,
    ``duplicate_of`` (the index of the partner it duplicates, or None), and its
    ownership under the pool ``rules`` (default :data:`DEFAULT_POOL_RULES`):
    ``pool`` (a position in ``pool_rules``), ``pool_state``, ``last_contact_date``,
    ``previous_owner`` (an index, like ``owner``), ``released_date``, ``release_reason``,
    ``expired`` (past its release deadline), ``deadline``, ``release_rule``,
    ``release_days``, ``followup_date``.

    ``expired_share`` of the owned prospects old enough are expired, or, when
    ``expired_count`` is given, exactly that many of the partners asked for (spread
    over the chunks in proportion to their size). ``owned_share`` replaces the share
    of owned partners of every stage (:data:`OWNED_SHARES`); ``released_share`` of
    the partners in the pool had an owner before.

    With several pools, ``pool_rules`` lists the rules of each (``rules`` is then not
    read) and ``owner_pools`` the position of the pool of each owner's team: owned partners
    are in their owner's pool and live under its rules (see :func:`_ownership`).

    Duplicates copy a partner generated earlier in the same chunk, so a chunk is
    self-contained.
    """
    if start < 0 or start + count > INDEX_LIMIT:
        raise ValueError(f"Partner indices must stay below {INDEX_LIMIT}.")
    now = now or datetime.datetime(2025, 1, 1)
    pool_limits_list = [pool_limits(pool) for pool in (pool_rules or [rules])]
    owner_pools = owner_pools or [0] * owners
    owner_weights = [1.0 / (rank + 1) ** 0.5 for rank in range(owners)]  # some sell more than others
    owner_cumulative = list(itertools.accumulate(owner_weights))
    owner_slots = list(range(owners))
    segments = chunk_segments(start, count)
    quotas = [None] * len(segments)
    if expired_count is not None:
        quotas = split_count(expired_count, [size for _first, size in segments])
        expired_share = 0.0  # the same draws, none expired by chance
    specs = []
    for (first, size), quota in zip(segments, quotas, strict=True):
        chunk_start = first - first % CHUNK_SIZE
        rng = make_rng(seed, "partners", chunk_start)
        originals = []
        chunk = []
        for index in range(chunk_start, first + size):
            # draw for every index of the chunk so that a run continuing mid-chunk is stable
            if originals and rng.random() < duplicate_share:
                original = rng.choice(originals)
                spec = _duplicate_identity(original, rng)
                spec["duplicate_of"] = original["index"]
            else:
                spec = company_identity(index, rng)
                spec["duplicate_of"] = None
                originals.append(spec)
            spec["index"] = index
            spec["stage"] = pick(rng, STAGE_CODES, STAGE_CUMULATIVE)
            share = OWNED_SHARES[spec["stage"]] if owned_share is None else owned_share
            spec["owned"] = owners > 0 and rng.random() < share
            spec["owner"] = pick(rng, owner_slots, owner_cumulative) if spec["owned"] else None
            spec["pool"] = owner_pools[spec["owner"]] if spec["owned"] else None  # else: _ownership
            spec["active"] = rng.random() >= ARCHIVED_SHARE
            _dates(spec, rng, now, expired_share, pool_limits_list[spec["pool"] or 0])
            spec["history"] = _history(spec, rng)
            chunk.append(spec)
        if quota is not None:
            _expire(
                chunk[first - chunk_start :], quota, make_rng(seed, "expired", first), now, pool_limits_list
            )
        ownership_rng = make_rng(seed, "ownership", chunk_start)
        for spec in chunk:
            _ownership(
                spec,
                ownership_rng,
                now,
                pool_limits_list,
                owner_slots,
                owner_cumulative,
                released_share,
                owner_pools,
            )
        specs.extend(chunk[first - chunk_start :])
    return specs


def iter_partner_chunks(seed, start, count, expired_count=None, **options):
    """``partner_specs`` a chunk at a time, for bounded memory (the same partners)."""
    segments = chunk_segments(start, count)
    quotas = [None] * len(segments)
    if expired_count is not None:
        quotas = split_count(expired_count, [size for _first, size in segments])
    for (first, size), quota in zip(segments, quotas, strict=True):
        yield partner_specs(seed, first, size, expired_count=quota, **options)


# ---------------------------------------------------------------------------
# Duplicate keys: the addon's own normalisation module, imported by path
# ---------------------------------------------------------------------------


def load_module(name, path):
    """A pure module of crm_lifecycle (without Odoo imports), loaded by its path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_import_headers(utils_dir=NORMALIZE_PATH.parent):
    """``crm_lifecycle/utils/import_headers.py`` (the headers of import files), loaded with its
    package ``utils`` by path: it imports its sibling ``normalize`` and Odoo's lazy translation."""
    name = "crm_lifecycle_utils"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, utils_dir / "__init__.py", submodule_search_locations=[str(utils_dir)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{name}.import_headers")


def load_normalize(path=NORMALIZE_PATH):
    """``crm_lifecycle/utils/normalize.py`` as a module."""
    return load_module("crm_lifecycle_normalize", path)


# The keys crm.duplicate.mixin stores on res_partner: column -> field of the spec it normalises.
KEY_COLUMNS = {
    "crm_name_key": "name",
    "crm_vat_key": "vat",
    "crm_phone_key": "phone",
    "crm_mobile_key": "mobile",
    "crm_email_key": "email",
}


def partner_keys(normalize, spec):
    """The duplicate keys of a partner spec, as the addon computes and stores them.

    :return: {column: key or None}, None where the addon stores nothing (empty key)
    """
    country = spec["country_code"]
    return {
        "crm_name_key": normalize.company_name_key(spec["name"]) or None,
        "crm_vat_key": normalize.vat_key(spec["vat"]) or None,
        "crm_phone_key": normalize.phone_key(spec["phone"], country) or None,
        "crm_mobile_key": normalize.phone_key(spec["mobile"], country) or None,
        "crm_email_key": normalize.email_key(spec["email"]) or None,
    }
