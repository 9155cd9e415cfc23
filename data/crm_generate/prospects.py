"""The prospect list of ``--import-file``: an ``.xlsx`` of new companies (English headers), a
share of them customers already in the database spelt differently. The rows are pure
(:func:`new_prospect`, :func:`duplicate_prospect`); :func:`write_import_file` reads the
customers and the known keys from the database and writes the file."""

import time
from pathlib import Path

from .database import say
from .specs import (
    INDEX_LIMIT,
    company_identity,
    load_import_headers,
    load_normalize,
    make_rng,
    partner_keys,
    vat_variant,
)
from .words import (
    COUNTRY_NAMES,
    FREE_MAIL_DOMAINS,
    IMPORT_INDUSTRIES,
    IMPORT_NOTES,
    IMPORT_SOURCES,
    IMPORT_TAGS,
    LOCALE_BY_COUNTRY,
    PERSON_NAMES,
    STREETS,
)

# The headers of the prospect list (--import-file), in English, in the order of the columns;
# crm_lifecycle's import recognises them (utils/import_headers.py).
_HEADERS = load_import_headers()
IMPORT_HEADERS = tuple(
    header
    for target, header in zip(_HEADERS.TARGETS, _HEADERS.SAMPLE_HEADERS["en"], strict=True)
    if target != "state"
)
# New companies of a prospect list take their indices (brand, phone, VAT...) from the upper
# half of the index range, far from the partners generated (numbered from 0), in a slot
# of the seed: lists of different seeds hold different companies.
IMPORT_FIRST_INDEX = INDEX_LIMIT // 2
IMPORT_SEED_SLOTS = 16
IMPORT_SLOT_SIZE = (INDEX_LIMIT - IMPORT_FIRST_INDEX) // IMPORT_SEED_SLOTS  # 524,288 rows per list


def import_first_index(seed):
    """The index of the first new company of the prospect lists of ``seed``."""
    return IMPORT_FIRST_INDEX + (seed % IMPORT_SEED_SLOTS) * IMPORT_SLOT_SIZE


def person_name(locale_code, rng):
    """A contact person's name as people of the culture write it."""
    first, last = PERSON_NAMES[locale_code]
    if locale_code == "cn":
        return rng.choice(last) + rng.choice(first) + (rng.choice(first) if rng.random() < 0.5 else "")
    return f"{rng.choice(first)} {rng.choice(last)}"


def street_address(locale_code, rng):
    return rng.choice(STREETS[locale_code]).format(n=rng.randrange(1, 300))


def website_of(email):
    """The website of a company e-mail's domain, none for a free mail address."""
    domain = (email or "").rpartition("@")[2].lower()
    return f"https://www.{domain}" if domain and domain not in FREE_MAIL_DOMAINS else ""


def _prospect_extras(rng):
    """Industry, source, notes and tags of a prospect row: drawn the same way for every row."""
    draws = rng.random(), rng.random()
    return {
        "industry": rng.choice(IMPORT_INDUSTRIES),
        "source": rng.choice(IMPORT_SOURCES),
        "notes": rng.choice(IMPORT_NOTES) if draws[0] < 0.2 else "",
        "tags": ", ".join(rng.sample(IMPORT_TAGS, 1 + (draws[1] < 0.3))),
    }


def new_prospect(index, rng):
    """The prospect row (``{header: cell text}``) of the new company ``index``, and its spec."""
    spec = company_identity(index, rng)
    locale = spec["locale"]
    row = {
        "Company Name": spec["name"],
        "Contact Person": person_name(locale, rng),
        "Phone": spec["phone"],
        "Mobile": spec["mobile"] or "",
        "Email": spec["email"],
        "VAT": spec["vat"] or "",
        "Street": street_address(locale, rng),
        "City": spec["city"],
        "Country": COUNTRY_NAMES[spec["country_code"]],
        "Website": website_of(spec["email"]),
    }
    extras = _prospect_extras(rng)
    row.update(
        Industry=extras["industry"], Source=extras["source"], Notes=extras["notes"], Tags=extras["tags"]
    )
    return row, spec


def text_variant(name, rng):
    """The same company name typed by someone else: another case, an extra space."""
    style = rng.randrange(3)
    if any(char.isascii() and char.isalpha() for char in name):
        if style == 0:
            return name.upper()
        if style == 1:
            return name.lower()
        return name.replace(" ", "  ", 1) if " " in name else name.upper()
    if "（" in name:  # Chinese: half-width brackets, or a space after the city
        return name.replace("（", "(").replace("）", ")")
    return name[:2] + " " + name[2:] if len(name) > 3 else name


def international_variant(phone, rng):
    """The same phone number in another international spelling (00 instead of +, no spaces)."""
    compact = "".join(char for char in phone if char.isdigit() or char == "+")
    if not compact.startswith("+"):
        return phone
    style = rng.randrange(3)
    if style == 0:
        return "00" + compact[1:]
    if style == 1:
        return compact
    return phone


def duplicate_prospect(partner, rng, normalize):
    """A prospect row for the customer ``partner`` that is already in the database.

    ``partner``: dict of ``name``, ``email``, ``phone``, ``mobile``, ``vat``, ``city``,
    ``country_code`` and its stored keys (``crm_name_key``, ``crm_vat_key``...). The row
    spells the name differently and keeps one or more of its phone, e-mail and VAT number
    (in another spelling), so that crm_lifecycle recognises the company.

    :return: ``(row, keys)``: ``{header: cell text}`` and the keys ``{(kind, key)}`` of the
        identifiers the row shares with the partner; None when none would match
    """
    country = partner["country_code"]
    locale = LOCALE_BY_COUNTRY.get(country, "gb")
    candidates = [kind for kind in ("phone", "email", "vat") if partner[f"crm_{kind}_key"] and partner[kind]]
    kept = set(rng.sample(candidates, rng.randrange(1, len(candidates) + 1))) if candidates else set()
    mobile_too = rng.random() < 0.5
    row = dict.fromkeys(IMPORT_HEADERS, "")
    keys = set()
    name = text_variant(partner["name"], rng)
    if normalize.company_name_key(name) != partner["crm_name_key"]:
        name = partner["name"]
    row["Company Name"] = name
    if partner["crm_name_key"] and normalize.company_name_key(name) == partner["crm_name_key"]:
        keys.add(("name", partner["crm_name_key"]))
    if "phone" in kept:
        phone = international_variant(partner["phone"], rng)
        if normalize.phone_key(phone, country) != partner["crm_phone_key"]:
            phone = partner["phone"]
        row["Phone"] = phone
        keys.add(("phone", normalize.phone_key(phone, country)))
        if mobile_too and partner["mobile"] and partner["crm_mobile_key"]:
            row["Mobile"] = partner["mobile"]
            keys.add(("phone", partner["crm_mobile_key"]))
    if "email" in kept:
        email = partner["email"].upper() if rng.random() < 0.5 else partner["email"]
        row["Email"] = email
        keys.add(("email", normalize.email_key(email)))
    if "vat" in kept:
        vat = vat_variant(partner["vat"], rng)
        if normalize.vat_key(vat) != partner["crm_vat_key"]:
            vat = partner["vat"]
        row["VAT"] = vat
        keys.add(("vat", normalize.vat_key(vat)))
    keys.discard(("phone", ""))
    row.update(
        {
            "Contact Person": person_name(locale, rng),
            "Street": street_address(locale, rng),
            "City": partner["city"] or "",
            "Country": partner.get("country") or COUNTRY_NAMES.get(country, country or ""),
            "Website": website_of(partner["email"]),
        }
    )
    extras = _prospect_extras(rng)
    row.update(
        Industry=extras["industry"], Source=extras["source"], Notes=extras["notes"], Tags=extras["tags"]
    )
    return (row, keys) if keys else None


def prospect_keys(normalize, spec):
    """The keys ``{(kind, key)}`` of a new company spec, by the kinds of the duplicate check
    (a mobile is a phone)."""
    keys = partner_keys(normalize, spec)
    pairs = {
        ("name", keys["crm_name_key"]),
        ("vat", keys["crm_vat_key"]),
        ("phone", keys["crm_phone_key"]),
        ("phone", keys["crm_mobile_key"]),
        ("email", keys["crm_email_key"]),
    }
    return {(kind, key) for kind, key in pairs if key}


# ---------------------------------------------------------------------------
# Prospect list to import (--import-file)
# ---------------------------------------------------------------------------

IMPORT_BATCH = 5000  # new companies checked against the database at once
# the stored keys of the duplicate check, by kind (a phone matches a phone or a mobile)
KEY_KIND_COLUMNS = {
    "name": ("crm_name_key",),
    "vat": ("crm_vat_key",),
    "phone": ("crm_phone_key", "crm_mobile_key"),
    "email": ("crm_email_key",),
}


def known_keys(db, pairs):
    """The keys among ``pairs`` ({(kind, key)}) that a partner or a lead of the database has
    (archived ones and contacts included)."""
    found = set()
    for kind, columns in KEY_KIND_COLUMNS.items():
        keys = sorted(key for pair_kind, key in pairs if pair_kind == kind)
        if not keys:
            continue
        for table in ("res_partner", "crm_lead"):
            for column in columns:
                if column in db.columns(table):
                    rows = db.fetchall(
                        f"SELECT DISTINCT {column} FROM {table} WHERE {column} = ANY(%s)", (keys,)
                    )
                    found.update((kind, row[0]) for row in rows)
    return found


def load_import_originals(db, count, rng):
    """About ``count`` CRM-managed customers of the database (active commercial partners with
    a lifecycle stage and a key), drawn at random, a few more than asked (some are set
    aside), with what :func:`duplicate_prospect` reads."""
    if not count:
        return []
    ids = [
        row[0]
        for row in db.fetchall(
            "SELECT id FROM res_partner"
            " WHERE lifecycle_stage_id IS NOT NULL AND parent_id IS NULL AND active"
            "   AND (crm_phone_key IS NOT NULL OR crm_email_key IS NOT NULL OR crm_vat_key IS NOT NULL)"
            " ORDER BY id"
        )
    ]
    picked = rng.sample(ids, min(len(ids), count + count // 4 + 10))
    fields = (
        "name",
        "email",
        "phone",
        "mobile",
        "vat",
        "city",
        "crm_name_key",
        "crm_vat_key",
        "crm_phone_key",
        "crm_mobile_key",
        "crm_email_key",
    )
    details = {}
    for first in range(0, len(picked), IMPORT_BATCH * 4):
        for id_, code, country, *values in db.fetchall(
            f"SELECT p.id, c.code, c.name->>'en_US', {', '.join(f'p.{name}' for name in fields)}"
            "  FROM res_partner p LEFT JOIN res_country c ON c.id = p.country_id WHERE p.id = ANY(%s)",
            (picked[first : first + IMPORT_BATCH * 4],),
        ):
            details[id_] = dict(zip(fields, values, strict=True), id=id_, country_code=code, country=country)
    return [details[id_] for id_ in picked]


def iter_new_prospects(db, normalize, seed, taken):
    """Rows of new companies, none of whose keys a partner or lead of the database has, nor
    another row (``taken``: the keys of the rows so far, updated)."""
    rng = make_rng(seed, "import-new", 0)
    start = import_first_index(seed)
    end = start + IMPORT_SLOT_SIZE
    for first in range(start, end, IMPORT_BATCH):
        batch = []
        for index in range(first, min(first + IMPORT_BATCH, end)):
            row, spec = new_prospect(index, rng)
            batch.append((row, prospect_keys(normalize, spec)))
        known = known_keys(db, set().union(*(keys for _row, keys in batch)))
        for row, keys in batch:
            if keys & known or keys & taken:
                continue
            taken |= keys
            yield row
    raise SystemExit(f"More than {IMPORT_SLOT_SIZE} new companies asked for one prospect list.")


def prospect_rows(db, normalize, seed, count, duplicate_share):
    """The ``count`` rows (lists of cell texts, in ``IMPORT_HEADERS`` order) of a prospect
    list, ``duplicate_share`` of them customers already in the database, and how many are.

    :return: ``(rows iterator, number of duplicates)``
    """
    wanted = round(count * duplicate_share)
    originals = load_import_originals(db, wanted, make_rng(seed, "import-originals", 0))
    rng = make_rng(seed, "import-duplicates", 0)
    taken = set()
    duplicates = []
    for partner in originals:
        if len(duplicates) == wanted:
            break
        made = duplicate_prospect(partner, rng, normalize)
        if made and not made[1] & taken:
            duplicates.append(made[0])
            taken |= made[1]
    if len(duplicates) < wanted:
        say(f"only {len(duplicates)} customers in the database to duplicate ({wanted} asked)")
    positions = set(make_rng(seed, "import-positions", 0).sample(range(count), len(duplicates)))

    def rows():
        new = iter_new_prospects(db, normalize, seed, taken)
        pending = iter(duplicates)
        for position in range(count):
            row = next(pending) if position in positions else next(new)
            yield [row[header] for header in IMPORT_HEADERS]

    return rows(), len(duplicates)


def write_import_file(db, args):
    """Write the prospect list ``args.import_file`` (.xlsx, streamed), return its row count."""
    import openpyxl  # the virtualenv's (Odoo needs it); imported here so the pure part needs none

    began = time.monotonic()
    normalize = load_normalize()
    rows, duplicates = prospect_rows(db, normalize, args.seed, args.import_rows, args.import_duplicates)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Prospects")
    sheet.append(list(IMPORT_HEADERS))
    written = 0
    for row in rows:
        sheet.append(row)
        written += 1
    path = Path(args.import_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    say(
        f"{path}: {written} prospects, {duplicates} of them customers already in the database"
        f" ({time.monotonic() - began:.1f}s)"
    )
    return written
