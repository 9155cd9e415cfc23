"""Keys that recognise one customer written in different ways.

Pure Python, no ORM: the duplicate check of ``crm.duplicate.mixin`` stores these keys
on partners and leads and compares them; tests call the functions directly.

Each function returns a non-empty ``str`` key, or ``""`` when the value is too poor to
identify anybody (an empty name, "N/A" as VAT, a three-digit phone number...).

- :func:`company_name_key`: the company name without its legal form (Ltd, GmbH,
  Sp. z o.o., 有限公司...), insensitive to case, accents, punctuation, spaces and
  full-width characters.
- :func:`vat_key`: letters and digits of a VAT number, upper-case, without the
  country prefix (``PL 526-104-08-28`` and ``5261040828`` give the same key).
- :func:`phone_key`: digits of a phone number in international form, with the
  calling code of the default country added to national numbers
  (``+48 600 100 200``, ``0048600100200`` and ``600 100 200`` in Poland all give
  ``48600100200``).
- :func:`email_key`: the address, trimmed and lower-case.
"""

import re
import unicodedata

# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTER_FOLDING = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ø": "o",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
# Accents on Latin, Greek and Cyrillic letters; the voicing marks of Japanese kana
# (U+3099, U+309A) are not accents and are kept.
_ACCENTS = re.compile("[\u0300-\u036f]")
# A word: letters and digits of any script; punctuation, symbols, spaces and "_" separate words.
_WORD = re.compile(r"[^\W_]+")


def normalize_text(value):
    """Fold ``value`` for comparison: NFKC (full-width to ASCII), case-folded, without accents.

    Punctuation and spaces are kept; :func:`words` removes them.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).casefold().translate(_LETTER_FOLDING)
    text = _ACCENTS.sub("", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", text)


def words(value):
    """The words of ``value`` after :func:`normalize_text`, punctuation and spaces removed."""
    return _WORD.findall(normalize_text(value))


# ---------------------------------------------------------------------------
# Company names
# ---------------------------------------------------------------------------

# Legal forms as companies write them, matched as whole trailing words after
# normalisation ("Sp. z o.o." and "sp.z o.o." are both the words sp z o o).
# Words that are also ordinary words in a name ("Spa", "Group", "Holding",
# "Trading", 集团) are NOT legal forms and are kept.
LEGAL_FORMS = (
    # English
    "Ltd",
    "Limited",
    "LLC",
    "L.L.C.",
    "LLP",
    "L.L.P.",
    "LP",
    "L.P.",
    "Inc",
    "Incorporated",
    "Corp",
    "Corporation",
    "Co",
    "Company",
    "PLC",
    "P.L.C.",
    "Pty",
    "Pte",
    "Pvt",
    "Private Limited",
    "Sdn Bhd",
    "Bhd",
    "JSC",
    "Tbk",
    # German, Austrian, Swiss
    "GmbH",
    "gGmbH",
    "mbH",
    "AG",
    "KG",
    "KGaA",
    "OHG",
    "GbR",
    "UG",
    "e.K.",
    "e.V.",
    "eG",
    "SE",
    # French, Spanish, Portuguese, Italian, Romanian
    "SA",
    "S.A.",
    "SARL",
    "S.A.R.L.",
    "SAS",
    "S.A.S.",
    "SASU",
    "EURL",
    "SNC",
    "S.L.",
    "SL",
    "S.L.U.",
    "SLU",
    "S.A. de C.V.",
    "S. de R.L.",
    "Ltda",
    "S/A",
    "EIRELI",
    "S.p.A.",
    "SRL",
    "S.r.l.",
    "S.a.s.",
    "S.n.c.",
    # Dutch, Belgian, Nordic
    "BV",
    "B.V.",
    "NV",
    "N.V.",
    "BVBA",
    "VOF",
    "AB",
    "A/S",
    "ApS",
    "AS",
    "ASA",
    "Oy",
    "Oyj",
    "ehf",
    "hf",
    # Polish
    "Sp. z o.o.",
    "spółka z ograniczoną odpowiedzialnością",
    "S.A.",
    "spółka akcyjna",
    "P.S.A.",
    "prosta spółka akcyjna",
    "Sp. j.",
    "spółka jawna",
    "Sp. k.",
    "spółka komandytowa",
    "S.K.A.",
    "spółka komandytowo-akcyjna",
    "Sp. p.",
    "spółka partnerska",
    "s.c.",
    "spółka cywilna",
    # Czech, Slovak, Hungarian
    "s.r.o.",
    "spol. s r.o.",
    "a.s.",
    "v.o.s.",
    "k.s.",
    "Kft",
    "Zrt",
    "Nyrt",
    "Bt",
    # Japanese and Korean in Latin letters
    "K.K.",
    "KK",
    "G.K.",
)
# Legal forms written before the name ("PT Telkom", "ООО Ромашка").
LEGAL_FORMS_BEFORE = ("PT", "OOO", "ZAO", "OAO", "PAO", "ООО", "ЗАО", "ОАО", "ПАО", "АО", "ИП")
# Chinese, Japanese and Korean legal forms are glued to the name: removed as an ending
# of the last word (北京华为技术有限公司), or as a start of the first word (株式会社トヨタ).
# The longest form is tried first. 集团 (group) and 分公司 (branch) belong to the name.
CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "公司",
    "有限合伙",
    "普通合伙",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "주식회사",
    "유한회사",
    # ㈱, ㈲ and (주) become single words once the brackets are removed
    "株",
    "有",
    "주",
)
CJK_LEGAL_FORMS_BEFORE = ("株式会社", "有限会社", "合同会社", "주식회사", "유한회사", "株", "有", "주")


def _word_forms(forms):
    return {tuple(words(form)) for form in forms}


_LEGAL_FORM_WORDS = _word_forms(LEGAL_FORMS)
_LEGAL_FORM_WORDS_BEFORE = _word_forms(LEGAL_FORMS_BEFORE)
_LONGEST_LEGAL_FORM = max(len(form) for form in _LEGAL_FORM_WORDS)
_CJK_FORMS = sorted((normalize_text(form) for form in CJK_LEGAL_FORMS), key=len, reverse=True)
_CJK_FORMS_BEFORE = sorted((normalize_text(form) for form in CJK_LEGAL_FORMS_BEFORE), key=len, reverse=True)


def _strip_trailing_form(name_words):
    """Remove one legal form at the end; never the last remaining word."""
    for size in range(min(_LONGEST_LEGAL_FORM, len(name_words) - 1), 0, -1):
        if tuple(name_words[-size:]) in _LEGAL_FORM_WORDS:
            return name_words[:-size]
    last = name_words[-1]
    for form in _CJK_FORMS:
        if last.endswith(form):
            if len(last) > len(form):
                return [*name_words[:-1], last[: -len(form)]]
            if len(name_words) > 1:
                return name_words[:-1]
    return None


def _strip_leading_form(name_words):
    """Remove one legal form at the start; never the last remaining word."""
    if len(name_words) > 1 and (name_words[0],) in _LEGAL_FORM_WORDS_BEFORE:
        return name_words[1:]
    first = name_words[0]
    for form in _CJK_FORMS_BEFORE:
        if first.startswith(form):
            if len(first) > len(form):
                return [first[len(form) :], *name_words[1:]]
            if len(name_words) > 1:
                return name_words[1:]
    return None


def company_name_key(name):
    """The company name without legal forms, case, accents, punctuation and spaces.

    ``"ACME Sp. z o.o."``, ``"Acme spółka z ograniczoną odpowiedzialnością"``,
    ``"ACME Ltd."``, ``"Acme, Inc."`` all give ``"acme"``; ``"北京华为技术有限公司"``
    gives ``"北京华为技术"``. A name made only of a legal form keeps it.
    """
    name_words = words(name)
    if not name_words:
        return ""
    while True:
        stripped = _strip_trailing_form(name_words) or _strip_leading_form(name_words)
        if not stripped:
            break
        name_words = stripped
    key = "".join(name_words)
    return key if len(key) >= 2 else ""


# ---------------------------------------------------------------------------
# Countries and VAT
# ---------------------------------------------------------------------------

# International calling code -> ISO 3166 codes of the countries using it (ITU-T E.164).
# Calling codes form a prefix code: no code is the start of another one.
_CALLING_CODES = {
    "1": "US CA UM AG AI AS BB BM BS DM DO GD GU JM KN KY LC MP MS PR SX TC TT VC VG VI",
    "7": "RU KZ",
    "20": "EG",
    "27": "ZA",
    "30": "GR",
    "31": "NL",
    "32": "BE",
    "33": "FR",
    "34": "ES",
    "36": "HU",
    "39": "IT VA",
    "40": "RO",
    "41": "CH",
    "43": "AT",
    "44": "GB GG IM JE",
    "45": "DK",
    "46": "SE",
    "47": "NO SJ BV",
    "48": "PL",
    "49": "DE",
    "51": "PE",
    "52": "MX",
    "53": "CU",
    "54": "AR",
    "55": "BR",
    "56": "CL",
    "57": "CO",
    "58": "VE",
    "60": "MY",
    "61": "AU CC CX",
    "62": "ID",
    "63": "PH",
    "64": "NZ PN",
    "65": "SG",
    "66": "TH",
    "81": "JP",
    "82": "KR",
    "84": "VN",
    "86": "CN",
    "90": "TR",
    "91": "IN",
    "92": "PK",
    "93": "AF",
    "94": "LK",
    "95": "MM",
    "98": "IR",
    "211": "SS",
    "212": "MA EH",
    "213": "DZ",
    "216": "TN",
    "218": "LY",
    "220": "GM",
    "221": "SN",
    "222": "MR",
    "223": "ML",
    "224": "GN",
    "225": "CI",
    "226": "BF",
    "227": "NE",
    "228": "TG",
    "229": "BJ",
    "230": "MU",
    "231": "LR",
    "232": "SL",
    "233": "GH",
    "234": "NG",
    "235": "TD",
    "236": "CF",
    "237": "CM",
    "238": "CV",
    "239": "ST",
    "240": "GQ",
    "241": "GA",
    "242": "CG",
    "243": "CD",
    "244": "AO",
    "245": "GW",
    "246": "IO",
    "248": "SC",
    "249": "SD",
    "250": "RW",
    "251": "ET",
    "252": "SO",
    "253": "DJ",
    "254": "KE",
    "255": "TZ",
    "256": "UG",
    "257": "BI",
    "258": "MZ",
    "260": "ZM",
    "261": "MG",
    "262": "RE YT TF",
    "263": "ZW",
    "264": "NA",
    "265": "MW",
    "266": "LS",
    "267": "BW",
    "268": "SZ",
    "269": "KM",
    "290": "SH",
    "291": "ER",
    "297": "AW",
    "298": "FO",
    "299": "GL",
    "350": "GI",
    "351": "PT",
    "352": "LU",
    "353": "IE",
    "354": "IS",
    "355": "AL",
    "356": "MT",
    "357": "CY",
    "358": "FI AX",
    "359": "BG",
    "370": "LT",
    "371": "LV",
    "372": "EE",
    "373": "MD",
    "374": "AM",
    "375": "BY",
    "376": "AD",
    "377": "MC",
    "378": "SM",
    "380": "UA",
    "381": "RS",
    "382": "ME",
    "383": "XK",
    "385": "HR",
    "386": "SI",
    "387": "BA",
    "389": "MK",
    "420": "CZ",
    "421": "SK",
    "423": "LI",
    "500": "FK GS",
    "501": "BZ",
    "502": "GT",
    "503": "SV",
    "504": "HN",
    "505": "NI",
    "506": "CR",
    "507": "PA",
    "508": "PM",
    "509": "HT",
    "590": "GP BL MF",
    "591": "BO",
    "592": "GY",
    "593": "EC",
    "594": "GF",
    "595": "PY",
    "596": "MQ",
    "597": "SR",
    "598": "UY",
    "599": "CW BQ",
    "670": "TL",
    "672": "NF AQ HM",
    "673": "BN",
    "674": "NR",
    "675": "PG",
    "676": "TO",
    "677": "SB",
    "678": "VU",
    "679": "FJ",
    "680": "PW",
    "681": "WF",
    "682": "CK",
    "683": "NU",
    "685": "WS",
    "686": "KI",
    "687": "NC",
    "688": "TV",
    "689": "PF",
    "690": "TK",
    "691": "FM",
    "692": "MH",
    "850": "KP",
    "852": "HK",
    "853": "MO",
    "855": "KH",
    "856": "LA",
    "880": "BD",
    "886": "TW",
    "960": "MV",
    "961": "LB",
    "962": "JO",
    "963": "SY",
    "964": "IQ",
    "965": "KW",
    "966": "SA",
    "967": "YE",
    "968": "OM",
    "970": "PS",
    "971": "AE",
    "972": "IL",
    "973": "BH",
    "974": "QA",
    "975": "BT",
    "976": "MN",
    "977": "NP",
    "992": "TJ",
    "993": "TM",
    "994": "AZ",
    "995": "GE",
    "996": "KG",
    "998": "UZ",
}
CALLING_CODE_BY_COUNTRY = {
    country: calling_code
    for calling_code, countries in _CALLING_CODES.items()
    for country in countries.split()
}
# Prefixes dialled before a national number inside the country; "0" unless listed.
# Italy, San Marino and Côte d'Ivoire keep their leading 0 in international numbers.
_TRUNK_PREFIXES = {
    "1": ("1",),
    "7": ("8",),
    "36": ("06",),
    "39": (),
    "225": (),
    "242": (),
    "370": ("8", "0"),
    "375": ("8",),
    "378": (),
    "993": ("8",),
}
# Prefixes dialled to call abroad besides "00", which is tried everywhere.
_EXIT_PREFIXES = {
    "1": ("011",),
    "7": ("810",),
    "61": ("0011",),
    "62": ("001", "007", "008"),
    "81": ("010",),
    "82": ("001", "002", "005", "008"),
    "375": ("810",),
}
# Country prefixes of VAT numbers that are not ISO codes.
_VAT_PREFIXES = set(CALLING_CODE_BY_COUNTRY) | {"EL", "XI", "EU"}
_SWISS_VAT_SUFFIX = re.compile(r"(MWST|TVA|IVA|VAT)$")
MIN_PHONE_DIGITS = 6
MIN_VAT_CHARS = 4


def vat_key(vat):
    """Letters and digits of a VAT number, upper-case, without a leading country prefix.

    ``"PL 526-104-08-28"``, ``"pl5261040828"`` and ``"5261040828"`` give
    ``"5261040828"``; a value without any digit ("N/A", "none") gives ``""``.
    """
    if not vat:
        return ""
    text = unicodedata.normalize("NFKC", str(vat)).upper()
    key = "".join(char for char in text if char.isascii() and char.isalnum())
    if key.startswith("CHE") and key[3:4].isdigit():  # Swiss UID: CHE-123.456.789 MWST
        key = _SWISS_VAT_SUFFIX.sub("", key[3:])
    elif key[:2] in _VAT_PREFIXES and any(char.isdigit() for char in key[2:]):
        prefix = key[:2]
        key = key[2:]
        if key.startswith(prefix):  # "PL PL5261040828": the prefix typed twice
            key = key[2:]
    if len(key) < MIN_VAT_CHARS or not any(char.isdigit() for char in key):
        return ""
    return key


# ---------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------

# An extension ends the number: "+48 22 100 20 30 ext. 12", "wew. 12", "#12".
_PHONE_EXTENSION = re.compile(r"(?:ext|x|#|;|,|wew|poste|durchwahl|转|分机)", re.IGNORECASE)
# "+44 (0)20 7946 0000": the national trunk prefix shown between brackets.
_PHONE_BRACKETED_TRUNK = re.compile(r"\(\s*0\s*\)")


def _digits(text):
    return "".join(str(unicodedata.decimal(char)) for char in text if char.isdecimal())


def split_calling_code(number):
    """Split an international number (digits only) into its calling code and the rest.

    :return: ``(calling_code, national_number)``, or ``("", number)`` when no code matches.
    """
    for size in (1, 2, 3):
        if number[:size] in _CALLING_CODES:
            return number[:size], number[size:]
    return "", number


def _international(number):
    """Digits after the "+": drop a trunk prefix written after the calling code (+44 020...)."""
    calling_code, national = split_calling_code(number)
    if calling_code and national.startswith("0") and "0" in _TRUNK_PREFIXES.get(calling_code, ("0",)):
        return calling_code + national[1:]
    return number


def phone_key(number, country_code=None):
    """Digits of ``number`` in international form, without "+", spaces or extension.

    :param country_code: ISO code of the country the number is dialled from, used
        for national numbers: the customer's country, else the company's.
    :return: e.g. ``"48600100200"`` for ``"+48 600 100 200"``, ``"0048600100200"``,
        ``"600-100-200"`` in Poland, ``"48 600 100 200"`` in Poland; ``""`` when
        fewer than 6 digits.

    A national number that starts with the country's calling code and has at least
    9 more digits is taken as international written without "+".
    """
    if not number:
        return ""
    text = unicodedata.normalize("NFKC", str(number))
    text = _PHONE_EXTENSION.split(text, maxsplit=1)[0]
    text = _PHONE_BRACKETED_TRUNK.sub(" ", text)
    digits = _digits(text)
    if len(digits) < MIN_PHONE_DIGITS:
        return ""
    if text.strip().startswith("+"):
        return _international(digits)
    home = CALLING_CODE_BY_COUNTRY.get((country_code or "").upper(), "")
    for exit_prefix in sorted((*_EXIT_PREFIXES.get(home, ()), "00"), key=len, reverse=True):
        if digits.startswith(exit_prefix):
            return _international(digits[len(exit_prefix) :])
    if not home:
        return digits.lstrip("0")
    if digits.startswith(home) and len(digits) - len(home) >= 9:
        return _international(digits)
    for trunk in _TRUNK_PREFIXES.get(home, ("0",)):
        if digits.startswith(trunk):
            digits = digits[len(trunk) :]
            break
    return home + digits


# ---------------------------------------------------------------------------
# Emails
# ---------------------------------------------------------------------------

_EMAIL = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")


def email_key(email):
    """The first address of ``email``, trimmed and lower-case.

    ``"  Info@ACME.com "`` and ``"ACME Sales <info@acme.com>"`` give ``"info@acme.com"``.
    """
    if not email:
        return ""
    match = _EMAIL.search(unicodedata.normalize("NFKC", str(email)))
    return match.group(0).strip(".").lower() if match else ""


# ---------------------------------------------------------------------------
# What a salesperson types in "Check Customer"
# ---------------------------------------------------------------------------

_PHONE_LIKE = re.compile(r"^[\d\s+()./\-]+$")


def query_keys(query, country_code=None):
    """The keys to look up for a free text: a company name, a phone, an email or a VAT.

    An email is looked up as an email only; a text made of digits and phone
    punctuation as a phone and a VAT; anything else as a name and, when it holds
    digits, as a VAT.

    :return: ``{kind: key}`` with kinds ``name``, ``vat``, ``phone``, ``email``
    """
    text = unicodedata.normalize("NFKC", str(query or "")).strip()
    if not text:
        return {}
    if "@" in text:
        keys = {"email": email_key(text)}
    elif _PHONE_LIKE.match(text):
        keys = {"phone": phone_key(text, country_code), "vat": vat_key(text)}
    else:
        keys = {"name": company_name_key(text), "vat": vat_key(text)}
    return {kind: key for kind, key in keys.items() if key}
