#!/usr/bin/env python3
"""Fill an Odoo 18 database with the customers of a realistic company.

For demos and benchmarks. The database must have ``crm_lifecycle`` installed
(usually with ``crm_value`` and ``crm_service``)::

    python data/generate.py --config .devenv/odoo.conf --database crm_demo \\
        --partners 1000000 --seed 42

It runs in the project's virtualenv (psycopg2) and reads the connection from
Odoo's configuration file. Records are written set-based with ``COPY`` in
chunks of ``CHUNK_SIZE`` rows, one transaction per chunk, so memory stays
bounded and an interrupted run keeps the chunks it finished. A worker process
builds the rows of the next chunk while the main one writes the current one;
as a superuser, the foreign key checks of the rows written are skipped
(``session_replication_role``: every id written was just read from the database).
The duplicate keys are computed by the addon's own pure module,
``crm_lifecycle/utils/normalize.py``, imported by path.

Layout, for the kinds of records added later (leads, quotations, orders,
invoices, payments, messages):

* a pure part, without database: word lists, :class:`Permutation`,
  :func:`make_rng` and one ``*_specs`` function per kind of record that turns
  (seed, index range) into plain dicts. Tests import it (tests/test_generate.py);
* a database part: :class:`Database` (connection, table columns, ``COPY``), one
  ``*_rows`` function per kind that turns a chunk of specs into COPY lines (in the
  worker) and one ``generate_*`` function per kind that writes them;
* :func:`main`, which calls the ``generate_*`` functions in dependency order.

Determinism: every kind and chunk draws from its own random stream derived
from ``--seed`` (``make_rng(seed, kind, first_index)``), so the same seed on
the same database (and the same ``--today``, which dates are relative to)
gives the same records, and adding a kind of record later does not change the
records of the others. What must be unique (company brand, phone number, VAT
number) is derived from the record's global index through fixed permutations:
generated companies never share them, except the deliberate duplicates
(``--duplicate-share``).

Ownership (when crm_lifecycle has its pools): the partners belong to the company's
default pool, owned (``--owned-share``, by default a share by stage) or in the pool,
most of the latter released from a previous owner (``--released-share``). The dates
follow the rules of that pool, read from the database: owners contacted and claimed
their customers recently enough to be neither warned nor released, except the expired
ones, past every deadline: ``--expired-share`` of the owned prospects, or exactly
``--expired N`` of them, which the release cron
(``res.partner._cron_crm_release_expired``) returns to the pool. The schedule the cron
reads (deadline, rule, next follow-up) is written as the addon computes it.

Re-runs add records: each generated partner carries the marker
``ref = <prefix>-<index>`` and a new run continues after the highest index
found in the database, whatever the prefix.
"""

import argparse
import bisect
import collections
import configparser
import datetime
import importlib.util
import io
import itertools
import math
import multiprocessing
import os
import random
import re
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
NORMALIZE_PATH = PROJECT_DIR / "crm_lifecycle" / "utils" / "normalize.py"

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
ANALYZED_TABLES = ("res_partner", "crm_partner_event")  # planner statistics refreshed at the end

# ---------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------

# Brands are made of syllables of the same length: different indices give different
# brands, even once spaces and case are normalised away. 16 x 4 = 64 = 2**6 syllables,
# four per brand: 2**24 brands.
BRAND_CONSONANTS = "bdfgklmnprstvzch"
BRAND_VOWELS = "aeio"
BRAND_SYLLABLES = [c + v for c in BRAND_CONSONANTS for v in BRAND_VOWELS]

# Chinese brand characters with their pinyin. Every pinyin starts with a consonant, so a
# concatenation of syllables reads back one way only: the e-mail domains stay unique.
# 2**8 characters, three per brand: 2**24 brands.
_CHINESE_BRAND_CHARS = (
    "华hua 达da 信xin 泰tai 恒heng 瑞rui 源yuan 隆long 昌chang 盛sheng 丰feng 宏hong 伟wei 博bo "
    "嘉jia 康kang 乐le 美mei 明ming 能neng 鹏peng 祺qi 荣rong 顺shun 腾teng 通tong 万wan 旺wang "
    "祥xiang 兴xing 耀yao 裕yu 中zhong 卓zhuo 创chuang 诚cheng 汇hui 金jin 凯kai 利li 茂mao 南nan "
    "平ping 仁ren 森sen 天tian 阳yang 正zheng 志zhi 宝bao 邦bang 彩cai 晨chen 东dong 帆fan 富fu "
    "港gang 广guang 海hai 航hang 浩hao 和he 环huan 建jian 江jiang 杰jie 京jing 骏jun 科ke 坤kun "
    "蓝lan 朗lang 联lian 亮liang 林lin 领ling 禄lu 迈mai 满man 纳na 宁ning 诺nuo 派pai 品pin "
    "普pu 强qiang 勤qin 青qing 全quan 群qun 润run 三san 尚shang 深shen 世shi 舒shu 硕shuo 思si "
    "速su 拓tuo 特te 图tu 文wen 沃wo 希xi 夏xia 先xian 晓xiao 协xie 雄xiong 旭xu 轩xuan 雅ya "
    "燕yan 业ye 一yi 银yin 英ying 永yong 友you 云yun 泽ze 展zhan 章zhang 振zhen 洲zhou 竹zhu "
    "庄zhuang 资zi 宗zong 祖zu 尊zun 佐zuo 巴ba 百bai 班ban 贝bei 本ben 必bi 边bian 标biao 彬bin "
    "冰bing 步bu 灿can 仓cang 策ce 岑cen 慈ci 聪cong 翠cui 存cun 措cuo 黛dai 丹dan 当dang 道dao "
    "德de 登deng 迪di 典dian 鼎ding 斗dou 都du 端duan 敦dun 多duo 发fa 方fang 飞fei 芬fen 盖gai "
    "甘gan 高gao 格ge 根gen 耕geng 工gong 构gou 固gu 冠guan 贵gui 国guo 翰han 虎hu 怀huai "
    "皇huang 火huo 吉ji 骄jiao 炯jiong 久jiu 聚ju 娟juan 珏jue 卡ka 刊kan 考kao 肯ken 空kong "
    "酷ku 快kuai 宽kuan 匡kuang 魁kui 阔kuo 拉la 来lai 雷lei 烈lie 流liu 楼lou 鸾luan 伦lun "
    "罗luo 律lv 马ma 芒mang 门men 蒙meng 米mi 冕mian 妙miao 敏min 墨mo 谋mou 木mu 耐nai 霓ni "
    "年nian 聂nie 牛niu 农nong 努nu 暖nuan 攀pan 庞pang 沛pei 丕pi 翩pian 飘piao 珀po 恰qia "
    "千qian 桥qiao 琼qiong 秋qiu 趣qu 鹊que 然ran 饶rao 热re 日ri 柔rou 如ru 阮ruan 若ruo "
    "赛sai 桑sang 色se 沙sha 山shan 韶shao 社she 寿shou 帅shuai 双shuang 水shui 松song 搜sou "
    "穗sui 孙sun 索suo 塔ta 檀tan 唐tang 涛tao 铁tie 庭ting 投tou 团tuan 屯tun 娃wa 外wai "
    "武wu 秀xiu 雪xue 迅xun 悦yue 载zai 赞zan 藏zang 造zao 增zeng 扎zha 昭zhao 哲zhe 追zhui "
    "准zhun 邹zou 最zui 钻zuan"
).split()
CHINESE_BRAND_CHARS = [(item[0], item[1:]) for item in _CHINESE_BRAND_CHARS][:256]

# Per culture: country, cities with their phone area codes, industries, legal forms.
# ``legal`` pairs the usual short form with the long (or other) spelling of the same form.
LOCALES = {
    "gb": {
        "weight": 0.22,
        "country": "GB",
        "lang": "en_GB",
        "cities": [
            ("London", "20"),
            ("Manchester", "161"),
            ("Birmingham", "121"),
            ("Leeds", "113"),
            ("Glasgow", "141"),
            ("Edinburgh", "131"),
            ("Bristol", "117"),
            ("Liverpool", "151"),
        ],
        "industries": [
            "Trading",
            "Logistics",
            "Engineering",
            "Consulting",
            "Software",
            "Foods",
            "Textiles",
            "Plastics",
            "Electronics",
            "Construction",
            "Packaging",
            "Medical",
            "Energy",
            "Print",
            "Marine",
            "Furniture",
        ],
        "legal": [("Ltd", "Limited"), ("PLC", "P.L.C."), ("LLP", "L.L.P.")],
        "legal_weights": [0.82, 0.06, 0.12],
        "domains": [".co.uk", ".com", ".uk"],
        "mailboxes": ["info", "sales", "office", "hello", "enquiries", "accounts"],
    },
    "us": {
        "weight": 0.18,
        "country": "US",
        "lang": "en_US",
        "cities": [
            ("New York", "212"),
            ("San Francisco", "415"),
            ("Chicago", "312"),
            ("Boston", "617"),
            ("Seattle", "206"),
            ("Austin", "512"),
            ("Miami", "305"),
            ("Los Angeles", "213"),
        ],
        "industries": [
            "Trading",
            "Logistics",
            "Systems",
            "Solutions",
            "Software",
            "Foods",
            "Industries",
            "Labs",
            "Electronics",
            "Builders",
            "Health",
            "Energy",
            "Media",
            "Supply",
            "Robotics",
            "Outfitters",
        ],
        "legal": [("Inc.", "Incorporated"), ("LLC", "L.L.C."), ("Corp.", "Corporation"), ("Co.", "Company")],
        "legal_weights": [0.45, 0.35, 0.12, 0.08],
        "domains": [".com", ".us", ".io"],
        "mailboxes": ["info", "sales", "contact", "hello", "orders", "ap"],
    },
    "pl": {
        "weight": 0.30,
        "country": "PL",
        "lang": "pl_PL",
        "cities": [
            ("Warszawa", "22"),
            ("Kraków", "12"),
            ("Poznań", "61"),
            ("Wrocław", "71"),
            ("Gdańsk", "58"),
            ("Łódź", "42"),
            ("Katowice", "32"),
            ("Szczecin", "91"),
            ("Lublin", "81"),
            ("Białystok", "85"),
        ],
        "industries": [
            "Handel",
            "Logistyka",
            "Budownictwo",
            "Transport",
            "Usługi",
            "Meble",
            "Spedycja",
            "Technologie",
            "Elektronika",
            "Poligrafia",
            "Instalacje",
            "Ogrody",
            "Serwis",
            "Dystrybucja",
            "Przetwórstwo",
            "Doradztwo",
        ],
        "legal": [
            ("Sp. z o.o.", "spółka z ograniczoną odpowiedzialnością"),
            ("S.A.", "Spółka Akcyjna"),
            ("Sp. j.", "spółka jawna"),
            ("Sp. k.", "spółka komandytowa"),
        ],
        "legal_weights": [0.70, 0.08, 0.12, 0.10],
        "domains": [".pl", ".com.pl", ".eu"],
        "mailboxes": ["biuro", "kontakt", "info", "sprzedaz", "handel", "faktury"],
    },
    "cn": {
        "weight": 0.30,
        "country": "CN",
        "lang": "zh_CN",
        "cities": [
            ("北京", "10"),
            ("上海", "21"),
            ("广州", "20"),
            ("深圳", "755"),
            ("杭州", "571"),
            ("成都", "28"),
            ("南京", "25"),
            ("武汉", "27"),
        ],
        "industries": [
            "贸易",
            "物流",
            "科技",
            "信息技术",
            "电子",
            "机械",
            "食品",
            "建材",
            "纺织",
            "化工",
            "医疗器械",
            "新能源",
            "包装",
            "家具",
            "印刷",
            "软件",
        ],
        "legal": [("有限公司", "有限责任公司"), ("股份有限公司", "股份有限公司"), ("有限公司", "有限公司")],
        "legal_weights": [0.72, 0.10, 0.18],
        "domains": [".com.cn", ".cn", ".com"],
        "mailboxes": ["info", "sales", "service", "market", "contact", "office"],
        "free_mail": ["163.com", "qq.com", "126.com"],
    },
}
for _locale in LOCALES.values():
    _locale["legal_cumulative"] = list(itertools.accumulate(_locale["legal_weights"]))
LOCALE_CODES = list(LOCALES)
LOCALE_WEIGHTS = [LOCALES[code]["weight"] for code in LOCALE_CODES]
COUNTRY_CODES = {code: locale["country"] for code, locale in LOCALES.items()}
PHONE_PREFIXES = {"GB": "44", "US": "1", "PL": "48", "CN": "86"}
CN_REGIONS = {"北京": "110105", "上海": "310115", "广州": "440106", "深圳": "440300", "杭州": "330106"}
CN_REGIONS_DEFAULT = "510107"
CN_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the 31 characters of a unified social credit code
CN_CODE_VALUES = {char: value for value, char in enumerate(CN_CODE_CHARS)}
CN_CODE_WEIGHTS = [pow(3, position, 31) for position in range(17)]
CN_CODE_SPREAD = 1_000_003  # a prime, so coprime with 31**9

SALESPEOPLE_NAMES = [
    "Anna Kowalska",
    "James Carter",
    "王伟",
    "Piotr Nowak",
    "Emily Clarke",
    "李娜",
    "Tomasz Wiśniewski",
    "Michael Brooks",
    "张敏",
    "Katarzyna Zielińska",
    "Olivia Hughes",
    "刘洋",
    "Marek Lewandowski",
    "Daniel Foster",
    "陈静",
    "Agnieszka Wójcik",
]

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
# Polish mobile numbers start with these; no landline area code of LOCALES does.
POLISH_MOBILE_PREFIXES = ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88")


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


# How companies of each culture build their names, with the share of each pattern.
NAME_PATTERNS = {
    "cn": [("{city}{brand}{industry}{legal}", 0.85), ("{brand}（{city}）{industry}{legal}", 0.15)],
    "pl": [
        ("{brand} {industry} {legal}", 0.78),
        ("PHU {brand} {legal}", 0.12),
        ("Przedsiębiorstwo {brand} {industry} {legal}", 0.10),
    ],
    "gb": [
        ("{brand} {industry} {legal}", 0.78),
        ("{brand} {legal}", 0.15),
        ("{brand} {industry} Group {legal}", 0.07),
    ],
}
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


def _pick(rng, items, cumulative):
    """One of ``items``, drawn with the weights whose running totals are ``cumulative``."""
    return items[min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(items) - 1)]


def _company_identity(index, rng):
    """Name, contact data and address of the company ``index`` (unique brand)."""
    locale_code = _pick(rng, LOCALE_CODES, LOCALE_CUMULATIVE)
    locale = LOCALES[locale_code]
    city, e164, phone = phone_number(index, locale_code)
    industry = rng.choice(locale["industries"])
    legal_index = _pick(rng, range(len(locale["legal"])), locale["legal_cumulative"])
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
    # the stage was reached after the creation (and for an expired owner, before the claim)
    latest = owner_since if expired else now
    stage_date = created + (latest - created) * (0.3 + 0.7 * rng.random()) if stage != "pool" else created
    stage_date = stage_date.replace(microsecond=0)
    owner_since = owner_since.replace(microsecond=0) if owner_since else None
    spec.update(create_date=created, owner_since=owner_since, stage_date=stage_date, expired=expired)


class ExpiredCountError(ValueError):
    """More expired owners asked for than the partners generated can hold."""


def _expire(specs, quota, rng, now, limits):
    """Make exactly ``quota`` of ``specs`` expired owners: old enough owned prospects, drawn
    at random, whose claim moves back past every deadline (their stage date with it)."""
    candidates = []
    for spec in specs:
        floor = _expiry_floor(limits, spec["stage"])
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


def _ownership(spec, rng, now, limits, owner_slots, owner_cumulative, released_share):
    """Contact and pool dates: owners contacted their customers lately (the expired ones
    long ago, or never); most customers in the pool had an owner, released by a rule.

    Draws four numbers whatever the partner, so that a continued run stays stable.
    """
    draws = [rng.random() for _ in range(4)]
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
            previous_owner=owner_slots[
                min(bisect.bisect(owner_cumulative, draws[3] * owner_cumulative[-1]), len(owner_slots) - 1)
            ],
            released_date=released.replace(microsecond=0),
            release_reason=reason,
            last_contact_date=last_contact if last_contact > created else None,
        )
    if values["last_contact_date"]:
        values["last_contact_date"] = values["last_contact_date"].replace(microsecond=0)
    spec.update(values)
    deadline, rule, days, followup = schedule(spec, limits)
    spec.update(deadline=deadline, release_rule=rule, release_days=days, followup_date=followup)


def schedule(spec, limits):
    """(deadline, rule, rule days, next follow-up date) of an owned partner, as the addon's
    schedule computes them for a partner without documents (no deal, no opportunity) and
    not locked; all None for a partner in the pool. The release cron releases the
    partner once the deadline has passed."""
    if spec["pool_state"] != "owned":
        return None, None, None, None
    limit = limits[spec["stage"]]
    since = spec["owner_since"] or spec["create_date"]
    last = max(spec["last_contact_date"] or since, since)
    rules = [
        (start + _days(limit[name]), f"no_{name}", limit[name])
        for name, start in (("contact", last), ("opportunity", since), ("deal", since))
        if limit[name] > 0
    ]
    followup = (last + _days(limit["followup"] or 0)).date()
    if not rules:
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
):
    """The partners of global indices ``start`` .. ``start + count - 1``, as dicts.

    Pure and deterministic: the same arguments give the same partners. Each spec
    holds the company's identity (``name``, ``email``, ``phone``, ``vat``,
    ``country_code``, ``city``...), its lifecycle (``stage``, ``history``),
    ``owner`` (an index in a list of ``owners`` salespeople, or None), dates,
    ``duplicate_of`` (the index of the partner it duplicates, or None), and its
    ownership under the pool ``rules`` (default :data:`DEFAULT_POOL_RULES`):
    ``pool_state``, ``last_contact_date``, ``previous_owner`` (an index, like
    ``owner``), ``released_date``, ``release_reason``, ``expired`` (past its
    release deadline), ``deadline``, ``release_rule``, ``release_days``,
    ``followup_date``.

    ``expired_share`` of the owned prospects old enough are expired, or, when
    ``expired_count`` is given, exactly that many of the partners asked for (spread
    over the chunks in proportion to their size). ``owned_share`` replaces the share
    of owned partners of every stage (:data:`OWNED_SHARES`); ``released_share`` of
    the partners in the pool had an owner before.

    Duplicates copy a partner generated earlier in the same chunk, so a chunk is
    self-contained.
    """
    if start < 0 or start + count > INDEX_LIMIT:
        raise ValueError(f"Partner indices must stay below {INDEX_LIMIT}.")
    now = now or datetime.datetime(2025, 1, 1)
    limits = pool_limits(rules)
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
                spec = _company_identity(index, rng)
                spec["duplicate_of"] = None
                originals.append(spec)
            spec["index"] = index
            spec["stage"] = _pick(rng, STAGE_CODES, STAGE_CUMULATIVE)
            share = OWNED_SHARES[spec["stage"]] if owned_share is None else owned_share
            spec["owned"] = owners > 0 and rng.random() < share
            spec["owner"] = _pick(rng, owner_slots, owner_cumulative) if spec["owned"] else None
            spec["active"] = rng.random() >= ARCHIVED_SHARE
            _dates(spec, rng, now, expired_share, limits)
            spec["history"] = _history(spec, rng)
            chunk.append(spec)
        if quota is not None:
            _expire(chunk[first - chunk_start :], quota, make_rng(seed, "expired", first), now, limits)
        ownership_rng = make_rng(seed, "ownership", chunk_start)
        for spec in chunk:
            _ownership(spec, ownership_rng, now, limits, owner_slots, owner_cumulative, released_share)
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


def load_normalize(path=NORMALIZE_PATH):
    """``crm_lifecycle/utils/normalize.py`` as a module: it has no Odoo imports."""
    spec = importlib.util.spec_from_file_location("crm_lifecycle_normalize", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value):
    """A value in PostgreSQL's COPY text format (datetimes to the second)."""
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.datetime and value.microsecond:
        value = value.replace(microsecond=0)
    return str(value)


class Database:
    """The connection, read from Odoo's configuration file."""

    def __init__(self, config_path, dbname):
        import psycopg2  # the virtualenv's; imported here so the pure part needs none

        parser = configparser.ConfigParser(interpolation=None)
        if not parser.read(config_path):
            raise SystemExit(f"Cannot read the Odoo configuration file {config_path}.")
        options = parser["options"] if parser.has_section("options") else {}
        kwargs = {}
        for key in ("db_host", "db_port", "db_user", "db_password"):
            value = options.get(key)
            if value and value != "False":
                kwargs[key[3:]] = value
        self.connection = psycopg2.connect(dbname=dbname, **kwargs)
        self.cr = self.connection.cursor()
        self._columns = {}

    def commit(self):
        self.connection.commit()

    def close(self):
        self.connection.close()

    def fetchall(self, query, params=None):
        self.cr.execute(query, params)
        return self.cr.fetchall()

    def columns(self, table):
        """{column: (nullable, has_default)} of ``table``."""
        if table not in self._columns:
            rows = self.fetchall(
                "SELECT column_name, is_nullable = 'YES', column_default IS NOT NULL"
                "  FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            )
            self._columns[table] = {name: (nullable, default) for name, nullable, default in rows}
        return self._columns[table]

    def check_required(self, table, columns):
        """Fail clearly when ``table`` has a NOT NULL column without default we do not fill."""
        missing = [
            name
            for name, (nullable, default) in self.columns(table).items()
            if not nullable and not default and name not in columns and name != "id"
        ]
        if missing:
            raise SystemExit(
                f"{table} has NOT NULL columns this generator does not fill: {', '.join(sorted(missing))}. "
                "An addon added them: give them a value in data/generate.py."
            )

    def next_ids(self, table, count):
        """``count`` ids taken from the table's sequence (safe with concurrent inserts)."""
        rows = self.fetchall(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", (table, count)
        )
        return [row[0] for row in rows]

    def copy_lines(self, table, columns, lines):
        """COPY ``lines`` (rows in COPY text format, without newline) into ``table``."""
        buffer = io.StringIO()
        buffer.writelines(line + "\n" for line in lines)
        buffer.seek(0)
        self.cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)

    def bulk_mode(self):
        """Skip the foreign key checks of the rows we write (superuser only).

        Safe here: every id the generator writes was just read from the database.
        Without the privilege, the checks run and the load is only slower.
        """
        import psycopg2.errors

        self.commit()
        try:
            self.cr.execute("SET session_replication_role = replica")
        except psycopg2.errors.InsufficientPrivilege:
            self.connection.rollback()
            return False
        self.commit()
        return True

    def xmlid(self, module, name):
        rows = self.fetchall(
            "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s", (module, name)
        )
        return rows[0][0] if rows else None


def say(message):
    print(f"[generate] {message}", flush=True)


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
    ``pool``: the id of the default pool when the ownership columns are written, else None).

    :return: ``(partner_lines, event_lines, ownership_event_lines)``: a partner line
        lacks its two leading ids; an event line is ``(position of its partner in the
        chunk, text after the partner id)``, in the columns ``EVENT_COLUMNS``, or
        ``OWNERSHIP_EVENT_COLUMNS`` for the ownership ones
    """
    normalize = load_normalize()
    stages, countries, owners = job["stages"], job["countries"], job["owners"]
    admin, company, prefix, langs = job["admin"], job["company"], job["prefix"], job["langs"]
    constants, pool = job["constants"], job.get("pool")
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
        if pool:
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


def pipelined(pool, function, jobs, ahead=2):
    """``map(function, jobs)`` in ``pool``, at most ``ahead`` results waiting: bounded memory."""
    pending = collections.deque()
    for job in jobs:
        pending.append(pool.apply_async(function, (job,)))
        if len(pending) > ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def next_partner_index(db):
    """The first free global index: after the highest one of any earlier run."""
    rows = db.fetchall(
        "SELECT max(split_part(ref, '-', 2)::int) FROM res_partner WHERE ref ~ %s", (MARKER_PATTERN,)
    )
    return (rows[0][0] + 1) if rows and rows[0][0] is not None else 0


def load_pool_rules(db, company):
    """(id, rules) of the default pool of ``company``, whose rules the ownership dates follow:
    its day limits, its levels by stage and the stages' follow-up intervals.

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
    database has pools, their ownership in the company's default pool.

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
    pool_id, rules = load_pool_rules(db, company)
    ownership = OWNERSHIP_COLUMNS if pool_id else ()
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
            "rules": rules,
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
        "pool": pool_id,
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
        + (f"; default pool {pool_id}, owned prospects {expired}" if pool_id else "; no pools")
    )
    db.bulk_mode()
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


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def share(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a share is a number between 0 and 1")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", required=True, help="Odoo configuration file (connection settings)")
    parser.add_argument("--database", required=True, help="database with crm_lifecycle installed")
    parser.add_argument("--partners", type=int, default=10_000, help="companies to add (default 10000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help="marker of the generated partners: ref = <prefix>-<index> (default GEN)",
    )
    parser.add_argument(
        "--duplicate-share",
        type=share,
        default=0.02,
        help="share of partners that are a second record of another one (default 0.02)",
    )
    parser.add_argument(
        "--expired-share",
        type=share,
        default=0.1,
        help="share of owned prospects whose owner claimed them months ago without contact since, "
        "due for release to the pool (default 0.1)",
    )
    parser.add_argument(
        "--expired",
        type=int,
        default=None,
        metavar="N",
        help="exactly N owned prospects past the release deadline of the default pool's rules "
        "(no contact for longer than its no_contact_days + protection_days), the other owners "
        "safely within every limit; replaces --expired-share",
    )
    parser.add_argument(
        "--owned-share",
        type=share,
        default=None,
        help="share of the partners with an owner (default: by stage, from 45%% of the new "
        "prospects to 97%% of the customers); the others are in the default pool",
    )
    parser.add_argument(
        "--released-share",
        type=share,
        default=RELEASED_SHARE,
        help=f"share of the partners in the pool that had an owner before, released by a rule "
        f"(default {RELEASED_SHARE})",
    )
    parser.add_argument(
        "--salespeople",
        type=int,
        default=8,
        help="owners: existing salespeople, then generated ones (default 8)",
    )
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        default=None,
        help="date the data is generated for, YYYY-MM-DD (default: today, UTC)",
    )
    args = parser.parse_args(argv)
    if not args.prefix.replace("_", "").isalnum():
        parser.error("--prefix takes letters, digits and underscores only")
    if args.partners < 0 or args.salespeople < 0:
        parser.error("--partners and --salespeople are counts: 0 or more")
    if args.expired is not None and not 0 <= args.expired <= args.partners:
        parser.error("--expired counts partners: between 0 and --partners")
    return args


def main(argv=None):
    args = parse_args(argv)
    today = args.today or datetime.datetime.now(datetime.timezone.utc).date()
    now = datetime.datetime.combine(today, datetime.time(12, 0))
    began = time.monotonic()
    # one process builds the rows while this one writes them (PostgreSQL takes the other core);
    # made before connecting, so that it inherits no connection
    pool = multiprocessing.get_context("fork").Pool(1) if (os.cpu_count() or 1) > 1 else None
    db = Database(args.config, args.database)
    try:
        try:
            generate_partners(db, args, now, pool)
        except ExpiredCountError as exc:  # more expired owners asked than the partners allow
            raise SystemExit(f"[generate] {exc}") from exc
        db.connection.autocommit = True
        for table in ANALYZED_TABLES:
            db.cr.execute(f"ANALYZE {table}")
    finally:
        db.close()
        if pool:
            pool.terminate()
    say(f"done in {time.monotonic() - began:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
