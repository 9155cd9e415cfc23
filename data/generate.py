#!/usr/bin/env python3
"""Fill an Odoo 18 database with the customers of a realistic company.

For demos and benchmarks. The database must have ``crm_lifecycle`` installed
(usually with ``crm_value`` and ``crm_service``)::

    python data/generate.py --config .devenv/odoo.conf --database crm_demo \\
        --partners 1000000 --seed 42
    python data/generate.py --config .devenv/odoo.conf --database crm_demo \\
        --partners 100000 --history --invoice-lines 2000000
    python data/generate.py --config .devenv/odoo.conf --database crm_demo \\
        --partners 0 --import-file prospects.xlsx --import-rows 50000

It runs in the project's virtualenv (psycopg2) and reads the connection from
Odoo's configuration file. Records are written set-based with ``COPY`` in
chunks of ``CHUNK_SIZE`` rows, one transaction per chunk, so memory stays
bounded and an interrupted run keeps the chunks it finished. A worker process
builds the rows of the next chunk while the main one writes the current one;
as a superuser, the foreign key checks of the rows written are skipped
(``session_replication_role``: every id written was just read from the database).
The duplicate keys are computed by the addon's own pure module,
``crm_lifecycle/utils/normalize.py``, imported by path.

Layout:

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
pools, owned (``--owned-share``, by default a share by stage) or in the pool, most of
the latter released from a previous owner (``--released-share``). A partner is in the
pool of its owner's sales team (or previous owner's, or of the salesperson whose team
found it), the default pool for teams without one, as crm_lifecycle places customers.
The dates follow the rules of each pool, read from the database: owners contacted and claimed
their customers recently enough to be neither warned nor released, except the expired
ones, past every deadline: ``--expired-share`` of the owned prospects, or exactly
``--expired N`` of them, which the release cron
(``res.partner._cron_crm_release_expired``) returns to the pool. The schedule the cron
reads (deadline, rule, next follow-up) is written as the addon computes it.

History (``--history``): for the generated partners that have no document yet, leads and
opportunities, quotations, confirmed orders (with their cost, for the margin), posted
invoices and credit notes with their journal items (product, tax and receivable lines),
customer payments reconciled with them (on time or late, some in two instalments, the
latest invoices still due), contact messages of the owners (the last one at the partner's
last contact) and planned activities, over ``--history-years``. The customers' sizes
follow a Pareto spread of ``--invoice-lines``, the dates the seasons. Every stored
computed field is written as Odoo computes it (amounts, residuals, payment states,
matching numbers, invoice statuses...); invoices, credit notes, payments and orders are
numbered in date order after the existing ones. The ownership schedules that the new
deals and open opportunities change are rewritten as crm_lifecycle computes them; open
quotations and opportunities only belong to owners that are not expired, so that
``--expired N`` still holds.

Prospect list (``--import-file``): an ``.xlsx`` of new companies with English headers, a
share of them customers already in the database, to try and benchmark the import of
crm_lifecycle.

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
                spec = _company_identity(index, rng)
                spec["duplicate_of"] = None
                originals.append(spec)
            spec["index"] = index
            spec["stage"] = _pick(rng, STAGE_CODES, STAGE_CUMULATIVE)
            share = OWNED_SHARES[spec["stage"]] if owned_share is None else owned_share
            spec["owned"] = owners > 0 and rng.random() < share
            spec["owner"] = _pick(rng, owner_slots, owner_cumulative) if spec["owned"] else None
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
# Prospect lists to import (pure)
# ---------------------------------------------------------------------------

# The headers of the prospect list (--import-file), in English, in the order of the columns;
# crm_lifecycle's import recognises them (utils/import_headers.py).
IMPORT_HEADERS = (
    "Company Name",
    "Contact Person",
    "Phone",
    "Mobile",
    "Email",
    "VAT",
    "Street",
    "City",
    "Country",
    "Website",
    "Industry",
    "Source",
    "Notes",
    "Tags",
)
# New companies of a prospect list take their indices (brand, phone, VAT...) from the upper
# half of the index range, far from the partners generated (numbered from 0), in a slot
# of the seed: lists of different seeds hold different companies.
IMPORT_FIRST_INDEX = INDEX_LIMIT // 2
IMPORT_SEED_SLOTS = 16
IMPORT_SLOT_SIZE = (INDEX_LIMIT - IMPORT_FIRST_INDEX) // IMPORT_SEED_SLOTS  # 524,288 rows per list
COUNTRY_NAMES = {"GB": "United Kingdom", "US": "United States", "PL": "Poland", "CN": "China"}
LOCALE_BY_COUNTRY = {locale["country"]: code for code, locale in LOCALES.items()}
# Industries of Odoo's base data (res.partner.industry), and where the prospects came from.
IMPORT_INDUSTRIES = (
    "Manufacturing",
    "Construction",
    "Wholesale/Retail",
    "Transportation/Logistics",
    "Food/Hospitality",
    "IT/Communication",
    "Scientific",
    "Administrative/Utilities",
    "Health/Social",
    "Energy supply",
)
IMPORT_SOURCES = ("Trade Fair", "Yellow Pages", "Industry Website", "Cold Call", "Referral")
IMPORT_TAGS = ("Prospect", "Trade Fair 2025", "Key Account", "Export", "Newsletter")
IMPORT_NOTES = (
    "Met at the trade fair, asked for a catalogue.",
    "Call back after the holidays.",
    "Buys through a distributor today.",
    "Interested in volume discounts.",
    "Asked for a quotation by e-mail.",
)
PERSON_NAMES = {
    "gb": (
        ("Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Emily", "Charlie", "Sophie"),
        ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Walker", "Hughes", "Wright"),
    ),
    "us": (
        ("James", "Olivia", "Robert", "Emma", "John", "Mia", "Michael", "Abigail", "David", "Harper"),
        (
            "Johnson",
            "Miller",
            "Davis",
            "Garcia",
            "Rodriguez",
            "Martinez",
            "Anderson",
            "Moore",
            "Clark",
            "Lee",
        ),
    ),
    "pl": (
        (
            "Anna",
            "Piotr",
            "Katarzyna",
            "Krzysztof",
            "Małgorzata",
            "Andrzej",
            "Agnieszka",
            "Tomasz",
            "Ewa",
            "Paweł",
        ),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański"),
    ),
    "cn": (
        ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰"),
        ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"),
    ),
}
STREETS = {
    "gb": ("{n} High Street", "{n} Station Road", "{n} Church Lane", "{n} Park Road", "{n} Victoria Street"),
    "us": ("{n} Main Street", "{n} Oak Avenue", "{n} Maple Drive", "{n} Broadway", "{n} Market Street"),
    "pl": ("ul. Długa {n}", "ul. Polna {n}", "ul. Lipowa {n}", "ul. Kościuszki {n}", "al. Jerozolimskie {n}"),
    "cn": ("人民路{n}号", "中山路{n}号", "解放路{n}号", "建设路{n}号", "长江路{n}号"),
}
FREE_MAIL_DOMAINS = {"163.com", "qq.com", "126.com", "gmail.com", "outlook.com"}


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
    spec = _company_identity(index, rng)
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
# History plans (pure)
# ---------------------------------------------------------------------------

HISTORY_YEARS = 3  # documents of the last years (--history-years)
INVOICE_LINES_PER_CUSTOMER = 40  # default total of invoice lines: this many per customer of the run
LINES_PER_INVOICE = 5  # on average (--lines-per-invoice)
LATE_SHARE = 0.25  # customers that pay after the due date (--late-share)
CREDIT_NOTE_SHARE = 0.03  # invoices followed by a credit note (--credit-note-share)
FULL_CREDIT_SHARE = 0.15  # ... that cancel the whole invoice (the others: a price reduction)
INSTALMENT_SHARE = 0.07  # paid invoices paid in two instalments
WON_OPPORTUNITY_SHARE = 0.35  # confirmed orders that closed an opportunity
CANCELLED_QUOTE_SHARE = 0.2  # quotations cancelled, per confirmed order
OPEN_QUOTE_SHARE = 0.3  # owned customers with a quotation under way
UNINVOICED_SHARE = 0.1  # customers with an order of the last days not invoiced yet
OPEN_ACTIVITY_SHARE = 0.35  # owned partners with a planned activity
# Pareto sizes of the customers (80/20); the biggest buys at most this many times the smallest
PARETO_ALPHA = 1.16
PARETO_CAP = 300.0
# Activity by month (January first): a summer dip and an end-of-year peak; Chinese customers
# stop for the Spring Festival instead. Business grows a little every year.
SEASON = (0.85, 0.9, 1.05, 1.0, 1.0, 0.95, 0.8, 0.7, 1.05, 1.1, 1.2, 1.3)
SEASON_CN = (0.8, 0.45, 1.1, 1.05, 1.0, 1.0, 0.95, 0.95, 1.05, 1.1, 1.15, 1.25)
YEARLY_GROWTH = 0.08
PRICE_INFLATION = 0.03  # prices and costs rise by this much a year
# Payment terms (days) customers are given, with their weights; only those in the database
TERM_WEIGHTS = {30: 0.5, 15: 0.15, 45: 0.15, 0: 0.1, 21: 0.1}
FREE_MAIL_DOMAINS_IAP = {"163.com", "qq.com", "126.com", "gmail.com", "outlook.com", "hotmail.com"}

# The catalogue sold to the customers: (code, name, list price, cost, type), prices in whole
# units of the company currency. Created once (codes GEN-P...), then reused.
CATALOGUE = (
    ("001", "Steel Shelving Unit", 420, 255, "consu"),
    ("002", "Pallet Racking Bay", 1350, 890, "consu"),
    ("003", "Office Chair Ergo", 290, 150, "consu"),
    ("004", "Standing Desk 160", 640, 380, "consu"),
    ("005", "Meeting Table 8 Seats", 1150, 700, "consu"),
    ("006", "Filing Cabinet 4 Drawers", 260, 160, "consu"),
    ("007", "Safety Helmet", 18, 7, "consu"),
    ("008", "Hi-Vis Vest", 9, 3, "consu"),
    ("009", "Work Gloves (10 pairs)", 32, 14, "consu"),
    ("010", "Safety Boots", 85, 44, "consu"),
    ("011", "Label Printer", 210, 120, "consu"),
    ("012", "Thermal Labels (roll)", 6, 2, "consu"),
    ("013", "Barcode Scanner", 180, 95, "consu"),
    ("014", "Rugged Tablet", 940, 610, "consu"),
    ("015", "Network Switch 24 Ports", 360, 210, "consu"),
    ("016", "Wi-Fi Access Point", 150, 82, "consu"),
    ("017", "Cat6 Cable (305 m)", 95, 48, "consu"),
    ("018", "UPS 1500 VA", 330, 205, "consu"),
    ("019", "Pallet Truck", 480, 300, "consu"),
    ("020", "Stretch Film (6 rolls)", 42, 21, "consu"),
    ("021", "Carton Box 60x40 (25 pcs)", 28, 12, "consu"),
    ("022", "Packing Tape (36 rolls)", 54, 25, "consu"),
    ("023", "Industrial Vacuum", 720, 450, "consu"),
    ("024", "LED Panel 60x60", 48, 22, "consu"),
    ("025", "Floodlight 100 W", 76, 38, "consu"),
    ("026", "First Aid Kit", 39, 16, "consu"),
    ("027", "Fire Extinguisher 6 kg", 64, 33, "consu"),
    ("028", "Ladder 3x9", 190, 112, "consu"),
    ("029", "Tool Trolley", 560, 340, "consu"),
    ("030", "Cordless Drill Kit", 240, 140, "consu"),
    ("031", "Installation (hour)", 75, 40, "service"),
    ("032", "On-site Training (day)", 850, 380, "service"),
    ("033", "Maintenance Contract (year)", 1200, 430, "service"),
    ("034", "Express Delivery", 45, 30, "service"),
    ("035", "Extended Warranty (2 years)", 160, 35, "service"),
    ("036", "Consulting (day)", 980, 520, "service"),
)
CATALOGUE_PREFIX = "GEN-P"
NOTE_TEXTS = (
    "Called: they plan a new order next month.",
    "Sent the updated price list.",
    "Visited the warehouse, discussed volumes for next season.",
    "Left a message, will call back.",
    "Asked for references of similar projects.",
    "Agreed on delivery dates.",
    "They compare us with a competitor on price.",
    "Discussed the payment of the open invoices.",
    "New purchasing manager, introduced our range.",
    "Feedback on the last delivery: all good.",
)
ACTIVITY_SUMMARIES = {
    "call": ("Call about the next order", "Follow-up call", "Check the delivery feedback"),
    "email": ("Send the new catalogue", "Send references", "Confirm the prices"),
    "meeting": ("Visit on site", "Quarterly review", "Product demo"),
    "todo": ("Prepare a quotation", "Check the open invoices", "Update the contact details"),
}


def _uniform_datetime(rng, low, high):
    """A datetime between ``low`` and ``high`` (to the second)."""
    span = max((high - low).total_seconds(), 0.0)
    return (low + datetime.timedelta(seconds=rng.random() * span)).replace(microsecond=0)


def seasonal_dates(rng, low, high, count, country_code=None):
    """``count`` sorted datetimes between ``low`` and ``high``, more in busy months (and,
    year after year, a little more as the business grows): rejection sampling."""
    if count <= 0:
        return []
    season = SEASON_CN if country_code == "CN" else SEASON
    ceiling = max(season) * (1.0 + YEARLY_GROWTH * max((high - low).days / 365.0, 0.0))
    dates = []
    while len(dates) < count:
        date = _uniform_datetime(rng, low, high)
        weight = season[date.month - 1] * (1.0 + YEARLY_GROWTH * (date - low).days / 365.0)
        if rng.random() * ceiling <= weight:
            dates.append(date)
    dates.sort()
    return dates


def pareto_weight(rng):
    """The relative size of a customer: Pareto distributed (the top fifth buys about 80%)."""
    return min((1.0 - rng.random()) ** (-1.0 / PARETO_ALPHA), PARETO_CAP)


def customer_weight(seed, partner, now, years):
    """The share of the invoice lines a customer gets: its Pareto size, times the part of the
    history window it has been a customer for."""
    rng = random.Random(f"{seed}/size/{partner['index']}")
    window = datetime.timedelta(days=365 * years)
    since = max(partner["stage_date"] or partner["create_date"], partner["create_date"], now - window)
    active = max((now - since).total_seconds(), 86400.0) / window.total_seconds()
    return pareto_weight(rng) * min(active, 1.0)


def split_by_weight(total, weights, minimum=1):
    """``total`` split in integers in proportion to ``weights``, each at least ``minimum``
    (while the total allows): largest remainders, deterministic."""
    count = len(weights)
    if not count:
        return []
    floor = min(minimum, total // count)
    rest = total - floor * count
    whole = sum(weights) or 1.0
    raw = [rest * weight / whole for weight in weights]
    parts = [int(value) for value in raw]
    left = rest - sum(parts)
    order = sorted(range(count), key=lambda position: (parts[position] - raw[position], position))
    for position in order[:left]:
        parts[position] += 1
    return [floor + part for part in parts]


def _lines_of_invoice(rng, average):
    """How many lines an invoice has: 1 to 40, ``average`` on average (geometric)."""
    if average <= 1:
        return 1
    return min(1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - 1.0 / average)), 40)


def _after(rng, date, low_days, high_days):
    return date + datetime.timedelta(days=rng.randint(low_days, high_days))


def plan_history(partner, budget, seed, now, options):
    """The documents of one partner, without their lines (pure, deterministic).

    ``partner``: dict with ``index``, ``stage`` (code), ``create_date``, ``stage_date``,
    ``user`` (owner's user id or None), ``owner_since``, ``last_contact``, ``pool_state``,
    ``previous_owner``, ``expired``, ``country_code``. ``budget``: invoice lines to spread
    over the customer's invoices (0 for a prospect). ``options``: ``years``,
    ``lines_per_invoice``, ``late_share``, ``credit_note_share``, ``salespeople`` (user ids,
    for customers without owner), ``terms`` ({days: term id}).

    Dates follow the partner's life: a customer's first order is the day it became a
    customer (when within the window), a prospect's lead or quotation the day it reached its
    stage; documents still open (quotations, opportunities) belong to owners that are not
    expired, so that the ownership rules keep their meaning; the contact messages end at
    the partner's last contact, by its owner.

    :return: dict of lists: ``orders`` (``date``, ``state``, ``lines``, ``invoice``: its
        position in ``invoices`` or None, ``lead``: position in ``leads`` or None, ``user``),
        ``invoices`` (``order``, ``date``, ``due``, ``term``, ``credit`` or None,
        ``payments``: [(date, share of what is left, None for all)]), ``leads``
        (``type``, ``state``: open/won/lost, ``stage``: new/qualified/potential/proposition/won,
        ``create``, ``closed``, ``reason``: normal/invalid, ``user``, ``order``), ``messages``
        ([(date, author user id, activity kind or None)]), ``activities``
        ([(model, position of the lead or None, kind, deadline date, user)]); and ``rng``,
        the stream the lines are drawn from afterwards
    """
    rng = random.Random(f"{seed}/history/{partner['index']}")
    details = random.Random(f"{seed}/history-lines/{partner['index']}")
    window_start = now - datetime.timedelta(days=365 * options["years"])
    today = now.date()
    stage = partner["stage"]
    salespeople = options["salespeople"]
    seller = (
        partner["user"] or partner["previous_owner"] or (rng.choice(salespeople) if salespeople else None)
    )
    open_ok = bool(partner["pool_state"] == "owned" and partner["user"] and not partner["expired"])
    created = partner["create_date"]
    reached = max(partner["stage_date"] or created, created)
    plan = {"orders": [], "invoices": [], "leads": [], "messages": [], "activities": [], "rng": details}
    plan.update(seller=seller, created=created)
    if stage == "customer":
        _plan_customer(plan, partner, budget, rng, now, max(reached, window_start), reached, open_ok, options)
    elif stage == "opportunity":
        opened = _uniform_datetime(rng, max(created, reached - datetime.timedelta(days=30)), reached)
        if open_ok:
            lead = _add_lead(plan, "opportunity", "open", "proposition", opened)
            _add_order(plan, reached, "sent" if rng.random() < 0.7 else "draft", rng.randint(1, 5), lead)
        else:
            closed = min(_after(rng, reached, 5, 40), now)
            lead = _add_lead(plan, "opportunity", "lost", "proposition", opened, closed, "normal")
            _add_order(plan, reached, "cancel", rng.randint(1, 5), lead)
    elif stage == "potential":
        if open_ok:
            _add_lead(plan, "opportunity", "open", "potential", reached)
        else:
            closed = min(_after(rng, reached, 5, 60), now)
            _add_lead(plan, "opportunity", "lost", "potential", reached, closed, "normal")
    elif stage == "qualified":
        _add_lead(plan, "lead", "open", "new", reached, user=partner["user"])
    elif stage == "invalid":
        opened = _uniform_datetime(rng, max(created, reached - datetime.timedelta(days=30)), reached)
        _add_lead(plan, "lead", "lost", "new", opened, reached, "invalid")
    _plan_contacts(plan, partner, rng, now, created)
    if open_ok and rng.random() < OPEN_ACTIVITY_SHARE:
        deadline = today + datetime.timedelta(days=rng.randint(-10, 21))
        plan["activities"].append(("res.partner", None, rng.choice(tuple(ACTIVITY_SUMMARIES)), deadline))
    for position, lead in enumerate(plan["leads"]):
        if lead["state"] == "open" and lead["type"] == "opportunity" and lead["user"] and rng.random() < 0.5:
            deadline = today + datetime.timedelta(days=rng.randint(-5, 14))
            plan["activities"].append(
                ("crm.lead", position, rng.choice(("call", "email", "meeting")), deadline)
            )
    return plan


def _add_lead(plan, kind, state, stage, create, closed=None, reason=None, user=False):
    """Add a lead (of the partner's seller unless ``user`` is given) to the plan: its position."""
    plan["leads"].append(
        {
            "type": kind,
            "state": state,
            "stage": stage,
            "create": max(create, plan["created"]),
            "closed": closed,
            "reason": reason,
            "user": plan["seller"] if user is False else user,
            "order": None,
        }
    )
    return len(plan["leads"]) - 1


def _add_order(plan, date, state, lines, lead=None):
    """Add an order or quotation of the partner's seller to the plan, linked to ``lead``."""
    plan["orders"].append(
        {"date": date, "state": state, "lines": lines, "invoice": None, "lead": lead, "user": plan["seller"]}
    )
    if lead is not None:
        plan["leads"][lead]["order"] = len(plan["orders"]) - 1
    return plan["orders"][-1]


def _plan_customer(plan, partner, budget, rng, now, begin, reached, open_ok, options):
    """The orders, invoices, payments and credit notes of a customer (see plan_history):
    ``budget`` invoice lines over orders from ``begin`` (the first one on the day it became
    a customer, ``reached``, when it is in the window) to ``now``."""
    today = now.date()
    created = plan["created"]
    sizes = []
    left = max(budget, 1)
    while left > 0:
        size = min(_lines_of_invoice(rng, options["lines_per_invoice"]), left)
        sizes.append(size)
        left -= size
    if reached >= begin:
        dates = [reached, *seasonal_dates(rng, begin, now, len(sizes) - 1, partner["country_code"])]
    else:
        dates = seasonal_dates(rng, begin, now, len(sizes), partner["country_code"])
    days = _pick(rng, list(TERM_WEIGHTS), list(itertools.accumulate(TERM_WEIGHTS.values())))
    term = options["terms"].get(days)
    terms = (term, days if term else 0, rng.random() < options["late_share"])
    for position, (size, date) in enumerate(zip(sizes, dates, strict=True)):
        if position or reached < begin:  # in office hours; the first order is the stage's moment
            date = date.replace(hour=rng.randint(8, 17), minute=rng.randrange(60), second=rng.randrange(60))
        date = min(max(date, created), now)
        lead = None
        if rng.random() < WON_OPPORTUNITY_SHARE:
            opened = date - datetime.timedelta(days=rng.randint(5, 60))
            lead = _add_lead(plan, "opportunity", "won", "won", opened, date)
        order = _add_order(plan, date, "sale", size, lead)
        invoice_date = min(date.date() + datetime.timedelta(days=rng.choice((0, 0, 1, 2, 3, 5, 7))), today)
        draws = [rng.random() for _ in range(8)]  # the same number of draws for every order
        order["invoice"] = len(plan["invoices"])
        plan["invoices"].append(
            _plan_invoice(len(plan["orders"]) - 1, invoice_date, size, terms, draws, rng, today, options)
        )
        if rng.random() < CANCELLED_QUOTE_SHARE:
            quote_date = _uniform_datetime(rng, begin, now)
            lost = None
            if rng.random() < 0.5:
                opened = quote_date - datetime.timedelta(days=rng.randint(3, 30))
                closed = min(quote_date + datetime.timedelta(days=rng.randint(3, 30)), now)
                lost = _add_lead(plan, "opportunity", "lost", "proposition", opened, closed, "normal")
            _add_order(plan, quote_date, "cancel", rng.randint(1, 4), lost)
    if rng.random() < UNINVOICED_SHARE:  # an order of the last days, to invoice (beyond the budget)
        date = max(now - datetime.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8)), created)
        _add_order(plan, date, "sale", rng.randint(1, 5))
    if open_ok and rng.random() < OPEN_QUOTE_SHARE:
        quote_date = max(now - datetime.timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 8)), created)
        lead = None
        if rng.random() < 0.5:
            opened = quote_date - datetime.timedelta(days=rng.randint(1, 20))
            lead = _add_lead(plan, "opportunity", "open", "proposition", opened)
        _add_order(plan, quote_date, "sent" if rng.random() < 0.6 else "draft", rng.randint(1, 4), lead)


def _plan_invoice(order, invoice_date, size, terms, draws, rng, today, options):
    """The invoice of the order at ``order`` (position): its due date, its credit note (a
    price reduction, sometimes a full cancellation) and its payments (on time or late, in
    one or two instalments, those after today not made yet)."""
    term, days, late = terms
    invoice = {"order": order, "date": invoice_date, "term": term}
    invoice["due"] = invoice_date + datetime.timedelta(days=days)
    credit = None
    if draws[1] < options["credit_note_share"]:
        credit_date = invoice_date + datetime.timedelta(days=1 + int(draws[2] * 30))
        if credit_date <= today:
            credit = {
                "date": credit_date,
                "full": draws[3] < FULL_CREDIT_SHARE,
                "line": int(draws[4] * size),
                "fraction": 0.1 + 0.4 * draws[5],
            }
    invoice["credit"] = credit
    payments = []
    if not (credit and credit["full"]):
        if late:
            paid = invoice["due"] + datetime.timedelta(days=3 + int(draws[6] * 72))
        else:
            paid = invoice["due"] - datetime.timedelta(days=int(draws[6] * min(days, 10)))
            if draws[7] < 0.1:
                paid += datetime.timedelta(days=1 + int(draws[7] * 140))
        paid = max(paid, credit["date"] if credit else invoice_date)
        if rng.random() < INSTALMENT_SHARE:
            second = paid + datetime.timedelta(days=rng.randint(10, 45))
            payments = [(paid, 0.3 + 0.4 * rng.random()), (second, None)]
        else:
            payments = [(paid, None)]
        payments = [(date, share_) for date, share_ in payments if date <= today]
    invoice["payments"] = payments
    return invoice


def _plan_contacts(plan, partner, rng, now, created):
    """Contact messages: notes and activities done by the owner (or, for a customer released
    to the pool, its previous owner), the last one at the partner's last contact date."""
    last = partner["last_contact"]
    author = partner["user"] or partner["previous_owner"]
    if not last or not author:
        return
    if partner["user"]:
        low = partner["owner_since"] or created
    else:
        low = last - datetime.timedelta(days=120)
    low = min(max(low, created), last)
    count = 1 + rng.randrange(3)
    if partner["stage"] == "customer":
        count += rng.randrange(8)
    dates = sorted(_uniform_datetime(rng, low, last) for _ in range(count - 1))
    for date in [*dates, last]:
        kind = rng.choice(("call", "meeting", "email")) if rng.random() < 0.3 else None
        plan["messages"].append((date, author, kind))


def plan_facts(plan, since):
    """(has a deal, a deal since ``since``, an open opportunity or quotation): what the
    ownership schedule of crm_lifecycle reads of a partner's documents."""
    orders = plan["orders"]
    deal = any(order["state"] == "sale" for order in orders) or bool(plan["invoices"])
    deal_since = any(order["state"] == "sale" and order["date"] >= since for order in orders) or any(
        invoice["date"] >= since.date() for invoice in plan["invoices"]
    )
    opportunity = any(order["state"] in ("draft", "sent") for order in orders) or any(
        lead["type"] == "opportunity" and lead["state"] == "open" for lead in plan["leads"]
    )
    return deal, deal_since, opportunity


# ---------------------------------------------------------------------------
# Duplicate keys: the addon's own normalisation module, imported by path
# ---------------------------------------------------------------------------


def load_module(name, path):
    """A pure module of crm_lifecycle (without Odoo imports), loaded by its path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------


PG_COPY = load_module("crm_lifecycle_pg_copy", PG_COPY_PATH)  # the COPY format of crm_lifecycle's import


def copy_text(value):
    """A value in PostgreSQL's COPY text format (datetimes to the second)."""
    if type(value) is datetime.datetime and value.microsecond:
        value = value.replace(microsecond=0)
    return PG_COPY.copy_text(value)


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

    @classmethod
    def wrap(cls, connection):
        """A Database on an open psycopg2 ``connection`` (e.g. the one of an Odoo cursor, so
        that the ORM sees the rows written in the same transaction)."""
        db = cls.__new__(cls)
        db.connection = connection
        db.cr = connection.cursor()
        db._columns = {}
        return db

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
# History: leads, quotations, orders, invoices, credit notes, payments, messages, activities
# ---------------------------------------------------------------------------

HISTORY_JOB_LINES = 60_000  # invoice lines per job (unit of work, COPY and transaction)
HISTORY_JOB_PARTNERS = 20_000  # ... and partners at most
HISTORY_TABLES = (
    "crm_lead",
    "sale_order",
    "sale_order_line",
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
    "account_full_reconcile",
    "mail_message",
    "mail_activity",
)
# The stage of crm.lead each kind of lead of a plan goes to, and its probability.
LEAD_PROBABILITIES = {"new": 10.0, "qualified": 30.0, "potential": 40.0, "proposition": 60.0, "won": 100.0}

LEAD_COLUMNS = (
    "id",
    "name",
    "type",
    "partner_id",
    "user_id",
    "team_id",
    "stage_id",
    "probability",
    "automated_probability",
    "expected_revenue",
    "prorated_revenue",
    "active",
    "lost_reason_id",
    "date_open",
    "date_closed",
    "date_last_stage_update",
    "day_open",
    "day_close",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
    # the partner's, the same for all its leads
    "partner_name",
    "email_from",
    "email_normalized",
    "email_domain_criterion",
    "email_state",
    "phone",
    "mobile",
    "phone_sanitized",
    "phone_state",
    "city",
    "country_id",
    "lang_id",
    "crm_name_key",
    "crm_phone_key",
    "crm_mobile_key",
    "crm_email_key",
)
LEAD_CONSTANTS = {
    "company_id": None,  # set from the reference data
    "priority": "0",
    "color": 0,
    "message_bounce": 0,
    "recurring_revenue": 0,
    "recurring_revenue_monthly": 0,
    "recurring_revenue_monthly_prorated": 0,
    "recurring_revenue_prorated": 0,
}
ORDER_COLUMNS = (
    "id",
    "name",
    "state",
    "date_order",
    "validity_date",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "user_id",
    "team_id",
    "payment_term_id",
    "invoice_status",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "margin",
    "margin_percent",
    "opportunity_id",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
ORDER_CONSTANTS = {
    "company_id": None,
    "currency_id": None,
    "currency_rate": 1.0,
    "locked": False,
    "require_signature": True,
    "require_payment": True,
    "prepayment_percent": 1.0,
}
ORDER_LINE_COLUMNS = (
    "id",
    "order_id",
    "sequence",
    "order_partner_id",
    "salesman_id",
    "product_id",
    "name",
    "state",
    "invoice_status",
    "product_uom_qty",
    "price_unit",
    "technical_price_unit",
    "discount",
    "price_subtotal",
    "price_tax",
    "price_total",
    "price_reduce_taxexcl",
    "price_reduce_taxinc",
    "qty_delivered",
    "qty_invoiced",
    "qty_to_invoice",
    "untaxed_amount_invoiced",
    "untaxed_amount_to_invoice",
    "purchase_price",
    "margin",
    "margin_percent",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
ORDER_LINE_CONSTANTS = {
    "company_id": None,
    "currency_id": None,
    "product_uom": None,
    "qty_delivered_method": "manual",
    "customer_lead": 0,
    "product_packaging_qty": 0,
    "is_downpayment": False,
    "is_expense": False,
}
MOVE_COLUMNS = (
    "id",
    "journal_id",
    "name",
    "sequence_prefix",
    "sequence_number",
    "move_type",
    "date",
    "invoice_date",
    "invoice_date_due",
    "invoice_payment_term_id",
    "partner_id",
    "commercial_partner_id",
    "partner_shipping_id",
    "partner_bank_id",
    "invoice_user_id",
    "team_id",
    "ref",
    "payment_reference",
    "payment_state",
    "invoice_partner_display_name",
    "invoice_origin",
    "reversed_entry_id",
    "origin_payment_id",
    "invoice_currency_rate",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_untaxed_in_currency_signed",
    "amount_tax_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
    "always_tax_exigible",
    "quick_edit_total_amount",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
MOVE_CONSTANTS = {
    "company_id": None,
    "currency_id": None,
    "state": "posted",
    "auto_post": "no",
    "is_storno": False,
    "checked": True,
    "posted_before": True,
    "made_sequence_gap": False,
    "is_manually_modified": False,
    "is_move_sent": False,
}
# per line; the columns of its move follow (MOVE_LINE_SHARED_COLUMNS)
MOVE_LINE_COLUMNS = (
    "id",
    "move_id",
    "sequence",
    "account_id",
    "display_type",
    "name",
    "product_id",
    "product_uom_id",
    "quantity",
    "price_unit",
    "discount",
    "price_subtotal",
    "price_total",
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
    "reconciled",
    "tax_line_id",
    "tax_group_id",
    "tax_repartition_line_id",
    "tax_base_amount",
    "tax_tag_invert",
    "date_maturity",
    "matching_number",
    "full_reconcile_id",
    "payment_id",
)
MOVE_LINE_SHARED_COLUMNS = (
    "journal_id",
    "partner_id",
    "move_name",
    "ref",
    "date",
    "invoice_date",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
MOVE_LINE_CONSTANTS = {
    "company_id": None,
    "company_currency_id": None,
    "currency_id": None,
    "parent_state": "posted",
    "discount_amount_currency": 0,
    "discount_balance": 0,
    "is_downpayment": False,
}
PAYMENT_COLUMNS = (
    "id",
    "move_id",
    "partner_id",
    "name",
    "state",
    "date",
    "amount",
    "amount_company_currency_signed",
    "memo",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
PAYMENT_CONSTANTS = {
    "journal_id": None,
    "company_id": None,
    "currency_id": None,
    "payment_method_line_id": None,
    "payment_method_id": None,
    "outstanding_account_id": None,
    "destination_account_id": None,
    "partner_bank_id": None,
    "payment_type": "inbound",
    "partner_type": "customer",
    "is_reconciled": True,
    "is_matched": False,
    "is_sent": False,
}
PARTIAL_COLUMNS = (
    "id",
    "debit_move_id",
    "credit_move_id",
    "full_reconcile_id",
    "amount",
    "debit_amount_currency",
    "credit_amount_currency",
    "max_date",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
PARTIAL_CONSTANTS = {"company_id": None, "debit_currency_id": None, "credit_currency_id": None}
FULL_COLUMNS = ("id", "create_date", "write_date", "create_uid", "write_uid")
MESSAGE_COLUMNS = (
    "id",
    "res_id",
    "record_name",
    "message_type",
    "subtype_id",
    "mail_activity_type_id",
    "author_id",
    "email_from",
    "reply_to",
    "message_id",
    "body",
    "date",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
MESSAGE_CONSTANTS = {"model": "res.partner", "record_company_id": None, "email_add_signature": True}
ACTIVITY_COLUMNS = (
    "id",
    "res_model_id",
    "res_model",
    "res_id",
    "res_name",
    "activity_type_id",
    "user_id",
    "summary",
    "date_deadline",
    "user_tz",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
)
ACTIVITY_CONSTANTS = {"automated": False, "active": True}
# rows of the many2many tables: (table, columns)
RELATIONS = {
    "order_line_tax": ("account_tax_sale_order_line_rel", ("sale_order_line_id", "account_tax_id")),
    "move_line_tax": ("account_move_line_account_tax_rel", ("account_move_line_id", "account_tax_id")),
    "order_line_invoice": ("sale_order_line_invoice_rel", ("invoice_line_id", "order_line_id")),
    "payment_invoice": ("account_move__account_payment", ("invoice_id", "payment_id")),
}
ANALYZED_HISTORY_TABLES = (*HISTORY_TABLES, *(table for table, _columns in RELATIONS.values()))


def money(cents):
    """Cents as the decimal text of a COPY row."""
    if cents < 0:
        return f"-{-cents // 100}.{-cents % 100:02d}"
    return f"{cents // 100}.{cents % 100:02d}"


def tax_of(cents, rate):
    """The tax of an amount, rounded half up to the cent (``rate``: millionths, 15% = 150000)."""
    if cents < 0:
        return -tax_of(-cents, rate)
    return (cents * rate + 500_000) // 1_000_000


def _constants_text(constants):
    return "".join("\t" + copy_text(value) for value in constants.values())


def _plan_counts(plan, has_tax):
    """{table: rows} a plan writes, and {(sequence, date): documents} of its numbered documents."""
    counts = collections.Counter()
    dated = collections.Counter()
    counts["crm_lead"] = len(plan["leads"])
    counts["sale_order"] = len(plan["orders"])
    for order in plan["orders"]:
        counts["sale_order_line"] += order["lines"]
        dated[("order", order["date"].date())] += 1
    tax_lines = 1 if has_tax else 0
    for invoice in plan["invoices"]:
        lines = plan["orders"][invoice["order"]]["lines"]
        counts["account_move"] += 1
        counts["account_move_line"] += lines + tax_lines + 1
        counts["order_line_invoice"] += lines
        counts["move_line_tax"] += lines if has_tax else 0
        dated[("invoice", invoice["date"])] += 1
        credit = invoice["credit"]
        settled = False
        if credit:
            credit_lines = lines if credit["full"] else 1
            counts["account_move"] += 1
            counts["account_move_line"] += credit_lines + tax_lines + 1
            counts["move_line_tax"] += credit_lines if has_tax else 0
            counts["account_partial_reconcile"] += 1
            dated[("refund", credit["date"])] += 1
            settled = credit["full"]
        for date, share_ in invoice["payments"]:
            counts["account_payment"] += 1
            counts["account_move"] += 1
            counts["account_move_line"] += 2
            counts["account_partial_reconcile"] += 1
            counts["payment_invoice"] += 1
            dated[("payment", date)] += 1
            settled = settled or share_ is None
        counts["account_full_reconcile"] += settled
    counts["mail_message"] = len(plan["messages"])
    counts["mail_activity"] = len(plan["activities"])
    counts["order_line_tax"] = counts["sale_order_line"] if has_tax else 0
    return counts, dated


def history_counts(job):
    """Pass 1 of a job (in a worker): the rows it will write per table, and how many
    documents of each numbered sequence it dates each day (to number them by date)."""
    counts = collections.Counter()
    dated = collections.Counter()
    has_tax = job["ref"]["tax"] is not None
    for partner, budget in zip(job["partners"], job["budgets"], strict=True):
        plan = plan_history(partner, budget, job["seed"], job["now"], job["options"])
        plan_counts, plan_dated = _plan_counts(plan, has_tax)
        counts.update(plan_counts)
        dated.update(plan_dated)
    return counts, dated


class _Ids:
    """The ids reserved for a job, handed out table by table in the order of pass 1."""

    def __init__(self, ids):
        self.iterators = {table: iter(values) for table, values in ids.items()}

    def __call__(self, table):
        return next(self.iterators[table])


class _Numbers:
    """The numbers reserved for the documents of a job, by sequence and date."""

    def __init__(self, numbers):
        self.iterators = {key: iter(values) for key, values in numbers.items()}

    def __call__(self, sequence, date):
        return next(self.iterators[(sequence, date)])


def _line_amounts(quantity, price, discount, rate):
    """(subtotal, tax) in cents of ``quantity`` x ``price`` (cents) less ``discount`` %."""
    subtotal = quantity * price * (100 - discount) // 100
    return subtotal, tax_of(subtotal, rate) if rate else 0


def _draw_lines(plan_rng, count, products, favourites, size, years_ago):
    """``count`` order lines: (product, quantity, unit price, discount, unit cost), prices in
    cents of that time (cheaper years ago)."""
    lines = []
    factor = 1.0 - PRICE_INFLATION * years_ago
    for _position in range(count):
        if favourites and plan_rng.random() < 0.8:
            product = products[plan_rng.choice(favourites)]
        else:
            product = products[min(int(plan_rng.paretovariate(1.2)) - 1, len(products) - 1)]
        _id, _name, price, cost, _type = product
        mean = max(1.0, 600.0 / max(price / 100.0, 1.0)) * (1.0 + math.log(size))
        quantity = max(1, min(int(plan_rng.lognormvariate(math.log(mean), 0.7)), 999))
        discount = plan_rng.choice((0, 0, 0, 5, 10)) if size < 5 else plan_rng.choice((0, 5, 10, 15))
        unit = max(100, int(price * factor) // 100 * 100)
        unit_cost = max(1, int(cost * factor))
        lines.append((product, quantity, unit, discount, unit_cost))
    return lines


def history_rows(job):
    """Pass 2 of a job (in a worker): the COPY lines of every table, and the partners whose
    ownership schedule the new documents change.

    :return: ``({table or relation: [COPY line]}, [(partner id, deadline, rule, days,
        follow-up)])``
    """
    ids = _Ids(job["ids"])
    numbers = _Numbers(job["numbers"])
    now = job["now"]
    out = collections.defaultdict(list)
    schedules = []
    writer = _HistoryWriter(job, ids, numbers, out)
    for partner, budget in zip(job["partners"], job["budgets"], strict=True):
        plan = plan_history(partner, budget, job["seed"], now, job["options"])
        writer.write(partner, plan, budget)
        if partner["pool_state"] == "owned" and partner["user"]:
            since = partner["owner_since"] or partner["create_date"]
            spec = {
                "pool_state": "owned",
                "stage": partner["stage"],
                "owner_since": partner["owner_since"],
                "create_date": partner["create_date"],
                "last_contact_date": partner["last_contact"],
            }
            limits = job["limits"].get(partner["pool"]) or {}
            if partner["stage"] in limits:
                new = schedule(spec, limits, plan_facts(plan, since), job["exempt"][partner["pool"]])
                if new != partner["schedule"]:
                    schedules.append((partner["id"], *new))
    for table, iterator in ids.iterators.items():
        if next(iterator, None) is not None:
            raise AssertionError(f"history: ids of {table} left over, pass 1 and 2 disagree")
    return dict(out), schedules


class _HistoryWriter:
    """Turns the plans of a job into COPY lines (see history_rows)."""

    def __init__(self, job, ids, numbers, out):
        self.job = job
        self.ref = ref = job["ref"]
        self.ids = ids
        self.numbers = numbers
        self.out = out
        self.now = job["now"]
        self.products = job["products"]
        self.rate = ref["tax"]["rate"] if ref["tax"] else 0
        self.users = ref["users"]
        self.teams = ref["teams"]
        self.in_payment = ref["in_payment_state"]
        self.constants = {key: _constants_text(values) for key, values in ref["constants"].items()}
        self.message_number = 0

    # -- helpers -----------------------------------------------------------------

    def user_team(self, user):
        return self.teams.get(user)

    def sequence_name(self, kind, date):
        number = self.numbers(kind, date)
        ref = self.ref
        if kind == "order":
            prefix = ref["order_prefix"].format(
                year=str(date.year),
                y=f"{date.year % 100:02d}",
                month=f"{date.month:02d}",
                day=f"{date.day:02d}",
            )
            return prefix + str(number).zfill(ref["order_padding"]), None, None
        prefix = ref["prefixes"][kind].format(year=date.year)
        return f"{prefix}{number:05d}", prefix, number

    # -- one partner ------------------------------------------------------------------

    def write(self, partner, plan, budget):
        rng = plan["rng"]
        size = max(1.0, budget / 40.0)
        favourites = rng.sample(range(len(self.products)), min(len(self.products), rng.randint(4, 12)))
        order_totals, order_lines = self.write_orders(partner, plan, rng, favourites, size)
        lead_ids = self.write_leads(partner, plan, order_totals, rng)
        self.link_orders_to_leads(plan, lead_ids)
        for invoice in plan["invoices"]:
            self.write_invoice(partner, plan, invoice, order_lines, rng)
        self.write_messages(partner, plan, rng)
        self.write_activities(partner, plan, lead_ids, rng)

    def write_orders(self, partner, plan, rng, favourites, size):
        """The quotations and orders of the partner, with their lines."""
        order_totals, order_lines = [], []
        rows = self.out
        rate = self.rate
        partner_id = partner["id"]
        for order in plan["orders"]:
            order_id = self.ids("sale_order")
            date = order["date"]
            years_ago = (self.now - date).days / 365.0
            lines = _draw_lines(rng, order["lines"], self.products, favourites, size, years_ago)
            state = order["state"]
            invoiced = order["invoice"] is not None
            user = order["user"]
            untaxed = tax = cost_total = 0
            drawn = []
            for sequence, (product, quantity, unit, discount, unit_cost) in enumerate(lines, start=10):
                line_id = self.ids("sale_order_line")
                subtotal, line_tax = _line_amounts(quantity, unit, discount, rate)
                cost = unit_cost * quantity
                margin = subtotal - cost
                untaxed += subtotal
                tax += line_tax
                cost_total += cost
                line_status = "invoiced" if invoiced else ("to invoice" if state == "sale" else "no")
                qty_invoiced = quantity if invoiced else 0
                to_invoice = quantity if state == "sale" and not invoiced else 0
                reduce_excl = money((2 * subtotal + quantity) // (2 * quantity))  # rounded half up
                reduce_incl = money((2 * (subtotal + line_tax) + quantity) // (2 * quantity))
                rows["sale_order_line"].append(
                    f"{line_id}\t{order_id}\t{sequence}\t{partner_id}\t{_id(user)}\t{product[0]}\t{product[1]}"
                    f"\t{state}\t{line_status}\t{quantity}\t{money(unit)}\t{unit / 100.0}\t{discount}"
                    f"\t{money(subtotal)}\t{line_tax / 100.0}\t{money(subtotal + line_tax)}"
                    f"\t{reduce_excl}\t{reduce_incl}\t{quantity if invoiced else 0}\t{qty_invoiced}"
                    f"\t{to_invoice}\t{money(subtotal if invoiced else 0)}"
                    f"\t{money(subtotal if to_invoice else 0)}\t{money(unit_cost)}\t{money(margin)}"
                    f"\t{margin / subtotal if subtotal else 0.0}\t{date}\t{date}\t{_id(user)}\t{_id(user)}"
                    + self.constants["order_line"]
                )
                if rate:
                    rows["order_line_tax"].append(f"{line_id}\t{self.ref['tax']['id']}")
                drawn.append((line_id, product, quantity, unit, discount, subtotal, line_tax))
            name, _prefix, _number = self.sequence_name("order", date.date())
            order_status = "invoiced" if invoiced else ("to invoice" if state == "sale" else "no")
            margin = untaxed - cost_total
            validity = date.date() + datetime.timedelta(days=self.ref["validity_days"])
            invoice = plan["invoices"][order["invoice"]] if invoiced else None
            term = invoice["term"] if invoice else None
            order["row"] = (
                f"{order_id}\t{name}\t{state}\t{date}\t{validity}\t{partner_id}\t{partner_id}\t{partner_id}"
                f"\t{_id(user)}\t{_id(self.user_team(user))}\t{_id(term)}\t{order_status}\t{money(untaxed)}"
                f"\t{money(tax)}\t{money(untaxed + tax)}\t{money(margin)}"
                f"\t{margin / untaxed if untaxed else 0.0}"
            )
            order["name"] = name
            order["tail"] = f"\t{date}\t{date}\t{_id(user)}\t{_id(user)}" + self.constants["order"]
            order_totals.append(untaxed)
            order_lines.append(drawn)
        return order_totals, order_lines

    def write_leads(self, partner, plan, order_totals, rng):
        """The leads and opportunities of the partner."""
        ref = self.ref
        lead_ids = []
        shared = partner["lead_shared"]
        for lead in plan["leads"]:
            lead_id = self.ids("crm_lead")
            lead_ids.append(lead_id)
            stage = ref["lead_stages"][lead["stage"]]
            state = lead["state"]
            if state == "won":
                probability = 100.0
            elif state == "lost":
                probability = 0.0
            else:
                probability = LEAD_PROBABILITIES[lead["stage"]]
            revenue = 0
            if lead["order"] is not None:
                revenue = order_totals[lead["order"]] // 100
            elif lead["type"] == "opportunity":
                revenue = rng.randint(5, 200) * 100
            prorated = round(revenue * probability / 100.0, 2)
            user = lead["user"]
            create = lead["create"]
            closed = lead["closed"]
            reason = None
            if state == "lost":
                reasons = ref["lost_reasons"][lead["reason"]] or ref["lost_reasons"]["normal"]
                reason = reasons[rng.randrange(len(reasons))] if reasons else None
            title = partner["name_text"] if lead["type"] == "lead" else partner["lead_title"]
            day_close = abs((closed - create).days) if closed else None
            self.out["crm_lead"].append(
                f"{lead_id}\t{title}\t{lead['type']}\t{partner['id']}\t{_id(user)}\t{_id(self.user_team(user))}"
                f"\t{stage}\t{probability}\t{probability}\t{revenue}\t{prorated}\t{_bool(state != 'lost')}"
                f"\t{_id(reason)}\t{create if user else NULL}\t{copy_text(closed)}\t{closed or create}"
                f"\t{0 if user else NULL}\t{copy_text(day_close)}\t{create}\t{closed or create}"
                f"\t{_id(user)}\t{_id(user)}\t{shared}" + self.constants["lead"]
            )
        return lead_ids

    def link_orders_to_leads(self, plan, lead_ids):
        rows = self.out["sale_order"]
        for order in plan["orders"]:
            lead = lead_ids[order["lead"]] if order["lead"] is not None else None
            rows.append(f"{order['row']}\t{_id(lead)}{order['tail']}")

    def write_invoice(self, partner, plan, invoice, order_lines, rng):
        """A posted invoice of an order, its credit note and payments, reconciled with it."""
        ref = self.ref
        order = plan["orders"][invoice["order"]]
        lines = order_lines[invoice["order"]]
        user = order["user"]
        team = self.user_team(user)
        partner_id = partner["id"]
        date = invoice["date"]
        stamp = datetime.datetime.combine(date, datetime.time(9, 0)) + datetime.timedelta(
            seconds=rng.randrange(8 * 3600)
        )
        move_id = self.ids("account_move")
        name, prefix, number = self.sequence_name("invoice", date)
        untaxed = sum(line[5] for line in lines)
        tax = sum(line[6] for line in lines)
        total = untaxed + tax
        # what settles it: the credit note first, then the payments
        credit = invoice["credit"]
        credit_lines = []
        if credit and credit["full"]:
            credit_lines = [line[1:] for line in lines]
        elif credit:
            _line_id, product, _quantity, unit, _discount, _subtotal, _tax = lines[credit["line"]]
            price = max(100, int(unit * credit["fraction"]) // 100 * 100)
            credit_lines = [(product, 1, price, 0, *_line_amounts(1, price, 0, self.rate))]
        credit_total = sum(line[4] + line[5] for line in credit_lines)
        left = total - credit_total
        payments = []
        for pay_date, share_ in invoice["payments"]:
            paid = sum(amount for _date, amount in payments)
            payments.append((pay_date, left - paid if share_ is None else max(1, int(left * share_))))
        residual = left - sum(amount for _date, amount in payments)
        settled = residual == 0
        if credit and credit["full"]:
            payment_state = "reversed"
        elif settled:
            payment_state = self.in_payment if payments else "paid"
        elif credit or payments:
            payment_state = "partial"
        else:
            payment_state = "not_paid"
        full_id = self.ids("account_full_reconcile") if settled else None
        partial_ids = [
            self.ids("account_partial_reconcile") for _partial in range(bool(credit) + len(payments))
        ]
        if full_id:
            matching = str(full_id)
        else:
            matching = f"P{partial_ids[0]}" if partial_ids else None
        line_ids = [self.ids("account_move_line") for _position in range(len(lines) + bool(self.rate) + 1)]
        receivable_id = line_ids[-1]
        partials = []  # (credit line id, amount, date)
        if credit:
            receivable, credit_total = self.write_credit_note(
                partner, order, credit, name, move_id, credit_lines, user, team, full_id, matching
            )
            partials.append((receivable, credit_total, credit["date"]))
        for pay_date, amount in payments:
            counterpart = self.write_payment(
                partner, name, move_id, pay_date, amount, user, full_id, matching
            )
            partials.append((counterpart, amount, pay_date))
        for partial_id, (credit_line, amount, partial_date) in zip(partial_ids, partials, strict=True):
            self.out["account_partial_reconcile"].append(
                f"{partial_id}\t{receivable_id}\t{credit_line}\t{_id(full_id)}\t{money(amount)}"
                f"\t{money(amount)}\t{money(amount)}\t{max(partial_date, date)}\t{stamp}\t{stamp}"
                f"\t{_id(user)}\t{_id(user)}" + self.constants["partial"]
            )
        if full_id:
            self.out["account_full_reconcile"].append(
                f"{full_id}\t{stamp}\t{stamp}\t{_id(user)}\t{_id(user)}"
            )
        # the invoice and its lines
        due = invoice["due"]
        self.out["account_move"].append(
            f"{move_id}\t{ref['sale_journal']}\t{name}\t{prefix}\t{number}\tout_invoice\t{date}\t{date}\t{due}"
            f"\t{_id(invoice['term'])}\t{partner_id}\t{partner_id}\t{partner_id}\t{_id(ref['company_bank'])}"
            f"\t{_id(user)}\t{_id(team)}\t\t{name}\t{payment_state}\t{partner['name_text']}\t{order['name']}"
            f"\t{NULL}\t{NULL}\t1.0\t{money(untaxed)}\t{money(tax)}\t{money(total)}\t{money(residual)}"
            f"\t{money(untaxed)}\t{money(untaxed)}\t{money(tax)}\t{money(total)}\t{money(total)}"
            f"\t{money(residual)}\tf\t{NULL}\t{stamp}\t{stamp}\t{_id(user)}\t{_id(user)}"
            + self.constants["move"]
        )
        shared = self.line_shared(ref["sale_journal"], partner_id, name, "", date, date, stamp, user)
        rows = self.out["account_move_line"]
        taxed = _bool(bool(self.rate))
        for position, (order_line, product, quantity, unit, discount, subtotal, line_tax) in enumerate(lines):
            line_id = line_ids[position]
            rows.append(
                self.product_line_row(
                    line_id, move_id, position, product, quantity, unit, discount, subtotal, line_tax
                )
                + f"\t0\t{money(subtotal)}\t{money(-subtotal)}\t{money(-subtotal)}"
                + self.line_tail(taxed, shared)
            )
            self.out["order_line_invoice"].append(f"{line_id}\t{order_line}")
            if self.rate:
                self.out["move_line_tax"].append(f"{line_id}\t{ref['tax']['id']}")
        if self.rate:
            rows.append(
                self.tax_line_row(line_ids[len(lines)], move_id, -tax, untaxed, "invoice_line", shared)
            )
        rows.append(
            f"{receivable_id}\t{move_id}\t12000\t{ref['receivable']}\tpayment_term\t{name}\t{NULL}\t{NULL}"
            f"\t0\t0\t0\t0\t0\t{money(total)}\t0\t{money(total)}\t{money(total)}\t{money(residual)}"
            f"\t{money(residual)}\t{_bool(settled)}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\tf\t{due}"
            f"\t{copy_text(matching)}\t{_id(full_id)}\t{NULL}" + shared
        )

    def line_shared(self, journal, partner_id, name, move_ref, date, invoice_date, stamp, user):
        """The last columns of every journal item of a move: those of the move it belongs to."""
        return (
            f"\t{journal}\t{partner_id}\t{name}\t{move_ref}\t{date}\t{invoice_date}\t{stamp}\t{stamp}"
            f"\t{_id(user)}\t{_id(user)}" + self.constants["move_line"]
        )

    def product_line_row(
        self, line_id, move_id, position, product, quantity, unit, discount, subtotal, line_tax
    ):
        """The first columns of the journal item of a product line, up to its debit (excluded)."""
        ref = self.ref
        return (
            f"{line_id}\t{move_id}\t{position}\t{ref['income']}\tproduct\t{product[1]}\t{product[0]}"
            f"\t{ref['uom']}\t{quantity}\t{money(unit)}\t{discount}\t{money(subtotal)}"
            f"\t{money(subtotal + line_tax)}"
        )

    def tax_line_row(self, line_id, move_id, balance, untaxed, repartition, shared):
        """The journal item of the tax of an invoice (``balance`` negative, a credit) or of a
        credit note (positive, a debit); ``repartition``: the key of its repartition line."""
        tax_ref = self.ref["tax"]
        debit, credit = (money(balance), 0) if repartition == "refund_line" else (0, money(-balance))
        return (
            f"{line_id}\t{move_id}\t10000\t{tax_ref['account']}\ttax\t{tax_ref['name']}\t{NULL}"
            f"\t{NULL}\t0\t0\t0\t0\t0\t{debit}\t{credit}\t{money(balance)}\t{money(balance)}\t0\t0\tf"
            f"\t{tax_ref['id']}\t{tax_ref['group']}\t{tax_ref[repartition]}\t{money(untaxed)}"
            f"\t{_bool(repartition == 'invoice_line')}\t{NULL}\t{NULL}\t{NULL}\t{NULL}" + shared
        )

    @staticmethod
    def line_tail(invert, shared):
        """The last columns of the journal item of a product line, after its amount in currency."""
        return f"\t0\t0\tf\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t{invert}\t{NULL}\t{NULL}\t{NULL}\t{NULL}" + shared

    def write_credit_note(
        self, partner, order, credit, invoice_name, invoice_id, lines, user, team, full_id, matching
    ):
        """A posted credit note of ``lines`` reversing (part of) the invoice, fully reconciled
        with it. Returns its receivable line id and total."""
        ref = self.ref
        move_id = self.ids("account_move")
        date = credit["date"]
        name, prefix, number = self.sequence_name("refund", date)
        untaxed = sum(line[4] for line in lines)
        tax = sum(line[5] for line in lines)
        total = untaxed + tax
        reason = "Cancelled order" if credit["full"] else "Price reduction"
        move_ref = copy_text(f"Reversal of: {invoice_name}, {reason}")
        stamp = datetime.datetime.combine(date, datetime.time(10, 0))
        partner_id = partner["id"]
        self.out["account_move"].append(
            f"{move_id}\t{ref['sale_journal']}\t{name}\t{prefix}\t{number}\tout_refund\t{date}\t{date}\t{date}"
            f"\t{NULL}\t{partner_id}\t{partner_id}\t{partner_id}\t{NULL}\t{_id(user)}\t{_id(team)}\t{move_ref}"
            f"\t{NULL}\tpaid\t{partner['name_text']}\t{order['name']}\t{invoice_id}\t{NULL}\t1.0"
            f"\t{money(untaxed)}\t{money(tax)}\t{money(total)}\t0\t{money(-untaxed)}\t{money(-untaxed)}"
            f"\t{money(-tax)}\t{money(-total)}\t{money(-total)}\t0\tf\t0\t{stamp}\t{stamp}\t{_id(user)}"
            f"\t{_id(user)}" + self.constants["move"]
        )
        shared = self.line_shared(ref["sale_journal"], partner_id, name, move_ref, date, date, stamp, user)
        rows = self.out["account_move_line"]
        for position, (product, quantity, unit, discount, subtotal, line_tax) in enumerate(lines):
            line_id = self.ids("account_move_line")
            rows.append(
                self.product_line_row(
                    line_id, move_id, position, product, quantity, unit, discount, subtotal, line_tax
                )
                + f"\t{money(subtotal)}\t0\t{money(subtotal)}\t{money(subtotal)}"
                + self.line_tail("f", shared)
            )
            if self.rate:
                self.out["move_line_tax"].append(f"{line_id}\t{ref['tax']['id']}")
        if self.rate:
            rows.append(
                self.tax_line_row(self.ids("account_move_line"), move_id, tax, untaxed, "refund_line", shared)
            )
        receivable = self.ids("account_move_line")
        rows.append(
            f"{receivable}\t{move_id}\t12000\t{ref['receivable']}\tpayment_term\t{NULL}\t{NULL}\t{NULL}"
            f"\t0\t0\t0\t0\t0\t0\t{money(total)}\t{money(-total)}\t{money(-total)}\t0\t0\tt\t{NULL}\t{NULL}"
            f"\t{NULL}\t{NULL}\tf\t{date}\t{copy_text(matching)}\t{_id(full_id)}\t{NULL}" + shared
        )
        return receivable, total

    def write_payment(self, partner, invoice_name, invoice_id, date, amount, user, full_id, matching):
        """A customer payment of ``amount`` for the invoice: its journal entry (liquidity line
        on the outstanding receipts account, counterpart on the receivable)."""
        ref = self.ref
        payment_id = self.ids("account_payment")
        move_id = self.ids("account_move")
        name, prefix, number = self.sequence_name("payment", date)
        partner_id = partner["id"]
        stamp = datetime.datetime.combine(date, datetime.time(11, 0))
        self.out["account_payment"].append(
            f"{payment_id}\t{move_id}\t{partner_id}\t{name}\t{'paid' if full_id else 'in_process'}\t{date}"
            f"\t{money(amount)}\t{money(amount)}\t{invoice_name}\t{stamp}\t{stamp}\t{_id(user)}\t{_id(user)}"
            + self.constants["payment"]
        )
        self.out["payment_invoice"].append(f"{invoice_id}\t{payment_id}")
        self.out["account_move"].append(
            f"{move_id}\t{ref['bank_journal']}\t{name}\t{prefix}\t{number}\tentry\t{date}\t{NULL}\t{date}"
            f"\t{NULL}\t{partner_id}\t{partner_id}\t{NULL}\t{_id(ref['company_bank'])}\t{NULL}\t{NULL}"
            f"\t{invoice_name}\t{NULL}\tnot_paid\t{partner['name_text']}\t{NULL}\t{NULL}\t{payment_id}\t0.0"
            f"\t0\t0\t{money(amount)}\t0\t0\t0\t0\t{money(amount)}\t{money(amount)}\t0\tt\t{NULL}"
            f"\t{stamp}\t{stamp}\t{_id(user)}\t{_id(user)}" + self.constants["move"]
        )
        shared = self.line_shared(
            ref["bank_journal"], partner_id, name, invoice_name, date, NULL, stamp, user
        )
        label = copy_text(f"{ref['method_name']}: {invoice_name}")
        rows = self.out["account_move_line"]
        liquidity = self.ids("account_move_line")
        counterpart = self.ids("account_move_line")
        rows.append(
            f"{liquidity}\t{move_id}\t100\t{ref['outstanding']}\tproduct\t{label}\t{NULL}\t{NULL}\t1\t0\t0"
            f"\t{money(amount)}\t{money(amount)}\t{money(amount)}\t0\t{money(amount)}\t{money(amount)}"
            f"\t{money(amount)}\t{money(amount)}\tf\t{NULL}\t{NULL}\t{NULL}\t{NULL}\tf\t{date}\t{NULL}"
            f"\t{NULL}\t{payment_id}" + shared
        )
        rows.append(
            f"{counterpart}\t{move_id}\t100\t{ref['receivable']}\tproduct\t{label}\t{NULL}\t{NULL}\t1\t0\t0"
            f"\t{money(-amount)}\t{money(-amount)}\t0\t{money(amount)}\t{money(-amount)}\t{money(-amount)}"
            f"\t0\t0\tt\t{NULL}\t{NULL}\t{NULL}\t{NULL}\tf\t{date}\t{copy_text(matching)}\t{_id(full_id)}"
            f"\t{payment_id}" + shared
        )
        return counterpart

    def write_messages(self, partner, plan, rng):
        """Notes and activities done on the partner by its owner, its contacts."""
        ref = self.ref
        for date, author, kind in plan["messages"]:
            message_id = self.ids("mail_message")
            user = self.users.get(author)
            if not user:
                continue
            author_partner, email_from = user
            if kind:
                body = copy_text(
                    f"<div><p>{ACTIVITY_SUMMARIES[kind][rng.randrange(3)]}</p>"
                    f"<p>{NOTE_TEXTS[rng.randrange(len(NOTE_TEXTS))]}</p></div>"
                )
                message_type, subtype, activity_type = (
                    "notification",
                    ref["subtypes"]["activity"],
                    ref["activity_types"][kind],
                )
            else:
                body = copy_text(f"<p>{NOTE_TEXTS[rng.randrange(len(NOTE_TEXTS))]}</p>")
                message_type, subtype, activity_type = "comment", ref["subtypes"]["note"], None
            self.message_number += 1
            tracking = (
                f"<generate.{self.job['seed']}.{message_id}-openerp-{partner['id']}-res.partner@crm-generate>"
            )
            self.out["mail_message"].append(
                f"{message_id}\t{partner['id']}\t{partner['name_text']}\t{message_type}\t{_id(subtype)}"
                f"\t{_id(activity_type)}\t{author_partner}\t{email_from}\t{email_from}\t{tracking}\t{body}"
                f"\t{date}\t{date}\t{date}\t{author}\t{author}" + self.constants["message"]
            )

    def write_activities(self, partner, plan, lead_ids, rng):
        """Planned activities of the owner on the partner and its open opportunities."""
        ref = self.ref
        for model, lead_position, kind, deadline in plan["activities"]:
            activity_id = self.ids("mail_activity")
            user = partner["user"] if model == "res.partner" else plan["leads"][lead_position]["user"]
            res_id = partner["id"] if model == "res.partner" else lead_ids[lead_position]
            name = partner["name_text"] if model == "res.partner" else partner["lead_title"]
            summary = copy_text(ACTIVITY_SUMMARIES[kind][rng.randrange(3)])
            created = min(
                self.now,
                datetime.datetime.combine(deadline, datetime.time(8, 0)) - datetime.timedelta(days=7),
            )
            self.out["mail_activity"].append(
                f"{activity_id}\t{ref['models'][model]}\t{model}\t{res_id}\t{name}\t{ref['activity_types'][kind]}"
                f"\t{user}\t{summary}\t{deadline}\t{copy_text(ref['user_tz'].get(user))}\t{created}\t{created}"
                f"\t{user}\t{user}" + self.constants["activity"]
            )


NULL = PG_COPY.NULL


def _id(value):
    return NULL if value is None else str(value)


def _bool(value):
    return "t" if value else "f"


def load_history_reference(db, company):
    """What the documents of the history refer to, read from the database: journals,
    accounts, the company's sale tax, payment terms, stages, lost reasons, activity types,
    sequences... Fails clearly when the company has no chart of accounts."""
    ref = {"company": company}
    rows = db.fetchall("SELECT currency_id, partner_id FROM res_company WHERE id = %s", (company,))
    ref["currency"], company_partner = rows[0]
    company_columns = db.columns("res_company")
    flags = {
        "require_signature": "portal_confirmation_sign",
        "require_payment": "portal_confirmation_pay",
        "prepayment_percent": "prepayment_percent",
    }
    present = {key: column for key, column in flags.items() if column in company_columns}
    ref["order_flags"] = {}
    if present:
        values = db.fetchall(
            f"SELECT {', '.join(present.values())} FROM res_company WHERE id = %s", (company,)
        )[0]
        ref["order_flags"] = dict(zip(present, values, strict=True))
    ref["validity_days"] = 30
    if "quotation_validity_days" in company_columns:
        days = db.fetchall("SELECT quotation_validity_days FROM res_company WHERE id = %s", (company,))[0][0]
        ref["validity_days"] = days or 30
    journals = {}
    for kind in ("sale", "bank"):
        found = db.fetchall(
            "SELECT id, code, default_account_id FROM account_journal"
            " WHERE company_id = %s AND type = %s AND active ORDER BY sequence, id LIMIT 1",
            (company, kind),
        )
        if not found:
            raise SystemExit(
                f"The company has no {kind} journal: install a chart of accounts (Invoicing settings) first."
            )
        journals[kind] = found[0]
    ref["sale_journal"], sale_code, ref["income"] = journals["sale"]
    ref["bank_journal"], bank_code, _bank_account = journals["bank"]
    ref["prefixes"] = {
        "invoice": f"{sale_code}/{{year}}/",
        "refund": f"R{sale_code}/{{year}}/",
        "payment": f"P{bank_code}/{{year}}/",
    }
    method = db.fetchall(
        "SELECT l.id, l.payment_method_id, l.name, l.payment_account_id FROM account_payment_method_line l"
        "  JOIN account_payment_method m ON m.id = l.payment_method_id"
        " WHERE l.journal_id = %s AND m.payment_type = 'inbound' ORDER BY l.sequence, l.id LIMIT 1",
        (ref["bank_journal"],),
    )
    if not method:
        raise SystemExit("The bank journal has no inbound payment method.")
    ref["method_line"], ref["method"], ref["method_name"], outstanding = method[0]
    ref["outstanding"] = (
        outstanding
        or db.xmlid("account", f"{company}_account_journal_payment_debit_account_id")
        or db.fetchall("SELECT transfer_account_id FROM res_company WHERE id = %s", (company,))[0][0]
    )
    receivable = db.fetchall(
        "SELECT d.json_value FROM ir_default d JOIN ir_model_fields f ON f.id = d.field_id"
        " WHERE f.model = 'res.partner' AND f.name = 'property_account_receivable_id'"
        "   AND (d.company_id = %s OR d.company_id IS NULL) ORDER BY d.company_id NULLS LAST LIMIT 1",
        (company,),
    )
    ref["receivable"] = int(receivable[0][0]) if receivable else None
    if not (ref["income"] and ref["outstanding"] and ref["receivable"]):
        raise SystemExit("The chart of accounts lacks an income, receivable or outstanding receipts account.")
    ref["tax"] = _sale_tax(db, company)
    terms = db.fetchall(
        "SELECT t.id, min(l.nb_days) FROM account_payment_term t JOIN account_payment_term_line l"
        "    ON l.payment_id = t.id"
        " WHERE t.active AND (t.company_id = %s OR t.company_id IS NULL)"
        " GROUP BY t.id HAVING count(*) = 1 AND bool_and(l.delay_type = 'days_after'"
        "   AND l.value = 'percent' AND l.value_amount = 100) ORDER BY t.id",
        (company,),
    )
    ref["terms"] = {}
    for term_id, days in terms:
        ref["terms"].setdefault(days, term_id)
    ref["uom"] = db.xmlid("uom", "product_uom_unit")
    ref["category"] = db.xmlid("product", "product_category_all")
    banks = db.fetchall(
        "SELECT id FROM res_partner_bank WHERE partner_id = %s AND active ORDER BY sequence, id LIMIT 1",
        (company_partner,),
    )
    ref["company_bank"] = banks[0][0] if banks else None
    ref["in_payment_state"] = "paid"
    installed = db.fetchall(
        "SELECT 1 FROM ir_module_module WHERE name = 'account_accountant' AND state = 'installed'"
    )
    if installed:
        ref["in_payment_state"] = "in_payment"
    sequence = db.fetchall(
        "SELECT id, implementation, prefix, padding FROM ir_sequence"
        " WHERE code = 'sale.order' AND active AND (company_id = %s OR company_id IS NULL)"
        " ORDER BY company_id NULLS LAST, id LIMIT 1",
        (company,),
    )
    if not sequence:
        raise SystemExit("No sequence for sale orders (ir_sequence sale.order): is sale installed?")
    ref["order_sequence"], ref["order_sequence_kind"], prefix, ref["order_padding"] = sequence[0]
    # Odoo's legend (%(year)s, %(y)s, %(month)s, %(day)s) as a format string
    ref["order_prefix"] = re.sub(
        r"%\((\w+)\)s", r"{\1}", (prefix or "").replace("{", "{{").replace("}", "}}")
    )
    ref["lead_stages"] = _lead_stages(db)
    reasons = db.fetchall(
        "SELECT id, {} FROM crm_lost_reason WHERE active ORDER BY id".format(
            "COALESCE(is_invalid_customer, FALSE)"
            if "is_invalid_customer" in db.columns("crm_lost_reason")
            else "FALSE"
        )
    )
    ref["lost_reasons"] = {
        "normal": [id_ for id_, invalid in reasons if not invalid],
        "invalid": [id_ for id_, invalid in reasons if invalid],
    }
    ref["activity_types"] = {
        kind: db.xmlid("mail", f"mail_activity_data_{kind}") for kind in ("call", "email", "meeting", "todo")
    }
    ref["subtypes"] = {"note": db.xmlid("mail", "mt_note"), "activity": db.xmlid("mail", "mt_activities")}
    ref["models"] = dict(
        db.fetchall("SELECT model, id FROM ir_model WHERE model IN ('res.partner', 'crm.lead', 'sale.order')")
    )
    users = db.fetchall(
        "SELECT u.id, p.id, p.name, p.email, p.tz FROM res_users u JOIN res_partner p ON p.id = u.partner_id"
        " WHERE NOT COALESCE(u.share, FALSE)"
    )
    ref["users"] = {}
    ref["user_tz"] = {}
    for user_id, partner_id, name, email, tz in users:
        sender = copy_text(f'"{name}" <{email}>') if email else NULL
        ref["users"][user_id] = (partner_id, sender)
        ref["user_tz"][user_id] = tz
    ref["teams"] = dict(
        db.fetchall(
            "SELECT DISTINCT ON (user_id) user_id, crm_team_id FROM crm_team_member"
            " WHERE active ORDER BY user_id, id"
        )
    )
    ref["langs"] = dict(db.fetchall("SELECT code, id FROM res_lang"))
    return ref


def _sale_tax(db, company):
    """The company's default sale tax (a simple percentage, price excluded), with what its
    journal items need; None when there is none."""
    tax_columns = db.columns("account_tax")
    included = "price_include_override" if "price_include_override" in tax_columns else "price_include"
    rows = db.fetchall(
        f"SELECT t.id, t.amount, t.amount_type, t.{included}, t.tax_group_id, t.name->>'en_US'"
        "  FROM res_company c JOIN account_tax t ON t.id = c.account_sale_tax_id WHERE c.id = %s",
        (company,),
    )
    if not rows:
        return None
    tax_id, amount, amount_type, price_include, group, name = rows[0]
    if amount_type != "percent" or price_include in (True, "tax_included"):
        say("the default sale tax is not a plain percentage: invoices are written without tax")
        return None
    lines = dict(
        (kind, (line_id, account))
        for kind, line_id, account in db.fetchall(
            "SELECT document_type, id, account_id FROM account_tax_repartition_line"
            " WHERE tax_id = %s AND repartition_type = 'tax' ORDER BY sequence, id",
            (tax_id,),
        )[::-1]
    )
    tags = db.fetchall(
        "SELECT count(*) FROM account_account_tag_account_tax_repartition_line_rel r"
        "  JOIN account_tax_repartition_line l ON l.id = r.account_tax_repartition_line_id"
        " WHERE l.tax_id = %s",
        (tax_id,),
    )
    if tags[0][0] or "invoice" not in lines or "refund" not in lines or not lines["invoice"][1]:
        say("the default sale tax has tax report tags or no tax account: invoices are written without tax")
        return None
    return {
        "id": tax_id,
        "rate": round(float(amount) * 10_000),
        "group": group,
        "name": copy_text(name or f"{amount}%"),
        "account": lines["invoice"][1],
        "invoice_line": lines["invoice"][0],
        "refund_line": lines["refund"][0],
    }


def _lead_stages(db):
    """{plan stage: crm.stage id}: new and qualified (the first two), potential (crm_lifecycle's
    potential stage, else the third), proposition (the last open one), won."""
    columns = db.columns("crm_stage")
    potential = "COALESCE(is_potential, FALSE)" if "is_potential" in columns else "FALSE"
    rows = db.fetchall(
        f"SELECT id, COALESCE(is_won, FALSE), {potential} FROM crm_stage WHERE team_id IS NULL"
        " ORDER BY sequence, id"
    )
    if not rows:
        rows = db.fetchall(
            f"SELECT id, COALESCE(is_won, FALSE), {potential} FROM crm_stage ORDER BY sequence, id"
        )
    open_stages = [id_ for id_, won, _potential in rows if not won]
    won = [id_ for id_, is_won, _potential in rows if is_won]
    if not open_stages or not won:
        raise SystemExit("crm needs an open stage and a won stage.")
    potential_stages = [id_ for id_, is_won, is_potential in rows if is_potential and not is_won]
    return {
        "new": open_stages[0],
        "qualified": open_stages[min(1, len(open_stages) - 1)],
        "potential": potential_stages[0] if potential_stages else open_stages[min(2, len(open_stages) - 1)],
        "proposition": open_stages[-1],
        "won": won[0],
    }


PRODUCT_TEMPLATE_CONSTANTS = {
    "sale_ok": True,
    "purchase_ok": True,
    "active": True,
    "service_tracking": "no",
    "sale_line_warn": "no-message",
    "purchase_line_warn": "no-message",
    "invoice_policy": "order",
    "service_type": "manual",
    "expense_policy": "no",
    "tracking": "none",
    "is_storable": False,
    "has_configurable_attributes": False,
    "is_favorite": False,
    "crm_no_cost_needed": False,
    "color": 0,
}


def ensure_catalogue(db, ref, now):
    """The products of :data:`CATALOGUE`, created when missing (by their codes), with the
    company's sale tax: [(id, COPY text of the name, price in cents, cost in cents, type)]."""
    admin = db.xmlid("base", "user_admin") or 2
    codes = [f"{CATALOGUE_PREFIX}{code}" for code, *_rest in CATALOGUE]
    found = dict(
        db.fetchall("SELECT default_code, id FROM product_product WHERE default_code = ANY(%s)", (codes,))
    )
    template_columns = db.columns("product_template")
    constants = {key: value for key, value in PRODUCT_TEMPLATE_CONSTANTS.items() if key in template_columns}
    created = 0
    for code, name, price, cost, kind in CATALOGUE:
        default_code = f"{CATALOGUE_PREFIX}{code}"
        if default_code in found:
            continue
        values = dict(
            constants,
            name=json_text({"en_US": name}),
            type=kind,
            categ_id=ref["category"],
            uom_id=ref["uom"],
            uom_po_id=ref["uom"],
            list_price=price,
            default_code=default_code,
            create_date=now,
            write_date=now,
            create_uid=admin,
            write_uid=admin,
        )
        db.check_required("product_template", values)
        db.cr.execute(
            "INSERT INTO product_template ({}) VALUES ({}) RETURNING id".format(
                ", ".join(values), ", ".join(["%s"] * len(values))
            ),
            list(values.values()),
        )
        template = db.cr.fetchone()[0]
        db.cr.execute(
            "INSERT INTO product_product (product_tmpl_id, default_code, combination_indices, standard_price,"
            " active, create_date, write_date, create_uid, write_uid)"
            " VALUES (%s, %s, '', %s, TRUE, %s, %s, %s, %s) RETURNING id",
            (template, default_code, json_text({str(ref["company"]): float(cost)}), now, now, admin, admin),
        )
        found[default_code] = db.cr.fetchone()[0]
        if ref["tax"]:
            db.cr.execute(
                "INSERT INTO product_taxes_rel (prod_id, tax_id) VALUES (%s, %s)",
                (template, ref["tax"]["id"]),
            )
        created += 1
    if created:
        say(f"{created} products created (codes {CATALOGUE_PREFIX}NNN)")
    return [
        (
            found[f"{CATALOGUE_PREFIX}{code}"],
            copy_text(f"[{CATALOGUE_PREFIX}{code}] {name}"),
            price * 100,
            cost * 100,
            kind,
        )
        for code, name, price, cost, kind in CATALOGUE
    ]


def json_text(value):
    import json  # noqa: PLC0415 (only the database part writes JSON)

    return json.dumps(value, ensure_ascii=False)


# The partners the history is generated for: generated ones (marker), commercial (archived
# ones too), in a lifecycle stage, without any document yet (a re-run skips those done before).
HISTORY_PARTNER_FILTER = """
    p.ref ~ %(marker)s AND p.parent_id IS NULL AND p.lifecycle_stage_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM sale_order so WHERE so.partner_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM crm_lead l WHERE l.partner_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM account_move m WHERE m.commercial_partner_id = p.id)
    AND NOT EXISTS (SELECT 1 FROM mail_message mm WHERE mm.model = 'res.partner' AND mm.res_id = p.id)
"""
HISTORY_PARTNER_COLUMNS = {
    "id": "p.id",
    "index": "split_part(p.ref, '-', 2)::int",
    "stage": "s.code",
    "create_date": "p.create_date",
    "stage_date": "p.lifecycle_stage_date",
    "user": "p.user_id",
    "owner_since": "p.owner_since",
    "last_contact": "p.last_contact_date",
    "pool_state": "p.crm_pool_state",
    "pool": "p.crm_pool_id",
    "previous_owner": "p.previous_owner_id",
    "deadline": "p.ownership_deadline",
    "rule": "p.crm_release_rule",
    "rule_days": "p.crm_release_days",
    "followup": "p.next_followup_date",
    "locked": "p.crm_locked",
    "name": "p.name",
    "email": "p.email",
    "email_normalized": "p.email_normalized",
    "phone": "p.phone",
    "mobile": "p.mobile",
    "phone_sanitized": "p.phone_sanitized",
    "city": "p.city",
    "country_id": "p.country_id",
    "country_code": "c.code",
    "lang": "p.lang",
    "crm_name_key": "p.crm_name_key",
    "crm_phone_key": "p.crm_phone_key",
    "crm_mobile_key": "p.crm_mobile_key",
    "crm_email_key": "p.crm_email_key",
}


def _partner_select(db):
    columns = db.columns("res_partner")
    selected = []
    for name, expression in HISTORY_PARTNER_COLUMNS.items():
        column = expression[2:] if expression.startswith("p.") else None
        selected.append(expression if column is None or column in columns else "NULL")
        del name
    return (
        f"SELECT {', '.join(selected)} FROM res_partner p"
        " JOIN crm_lifecycle_stage s ON s.id = p.lifecycle_stage_id"
        " LEFT JOIN res_country c ON c.id = p.country_id"
    )


def history_partners(rows, ref, now, phone_state):
    """The partner dicts plan_history and history_rows read, from rows of _partner_select."""
    partners = []
    for row in rows:
        partner = dict(zip(HISTORY_PARTNER_COLUMNS, row, strict=True))
        owned = partner["pool_state"] == "owned" and partner["user"]
        partner["expired"] = bool(owned and partner["deadline"] and partner["deadline"] <= now)
        partner["schedule"] = (
            partner["deadline"],
            partner["rule"],
            partner["rule_days"],
            partner["followup"],
        )
        if partner["locked"]:
            partner["pool_state"] = "locked"  # no schedule to refresh: never released
        partner["name_text"] = copy_text(partner["name"] or "")
        partner["lead_title"] = copy_text(f"{partner['name']}'s opportunity")
        email = partner["email_normalized"]
        domain = email.rpartition("@")[2] if email else None
        criterion = (email if domain in FREE_MAIL_DOMAINS_IAP else f"@{domain}") if email else None
        partner["lead_shared"] = "\t".join(
            copy_text(value)
            for value in (
                partner["name"],
                partner["email"],
                email,
                criterion,
                "correct" if email else None,
                partner["phone"],
                partner["mobile"],
                _lead_sanitized(partner["mobile"] or partner["phone"], phone_state),
                phone_state if partner["phone"] else None,
                partner["city"],
                partner["country_id"],
                ref["langs"].get(partner["lang"]),
                partner["crm_name_key"],
                partner["crm_phone_key"],
                partner["crm_mobile_key"],
                partner["crm_email_key"],
            )
        )
        for key in (
            "deadline",
            "rule",
            "rule_days",
            "followup",
            "locked",
            "email",
            "email_normalized",
            "phone",
        ):
            partner.pop(key)
        for key in ("mobile", "phone_sanitized", "city", "country_id", "lang", "name"):
            partner.pop(key)
        for key in ("crm_name_key", "crm_phone_key", "crm_mobile_key", "crm_email_key"):
            partner.pop(key)
        partners.append(partner)
    return partners


def _lead_sanitized(number, phone_state):
    """The phone_sanitized of a lead (its mobile, else its phone): E.164 when Odoo can parse
    numbers (phonenumbers installed), else the number as it is, as crm computes it."""
    if not number:
        return None
    if phone_state and number.startswith("+"):
        return "+" + "".join(char for char in number if char.isdigit())
    return None if phone_state else number


def history_jobs(db, args, now, ref, base):
    """The jobs of the history: groups of partners (ids in order) with their budget of
    invoice lines, about HISTORY_JOB_LINES lines each. Reads the light rows of every
    partner concerned, computes the customers' Pareto weights and splits the lines."""
    marker = {"marker": MARKER_PATTERN}
    light = db.fetchall(
        "SELECT p.id, split_part(p.ref, '-', 2)::int, s.code, p.create_date, p.lifecycle_stage_date"
        "  FROM res_partner p JOIN crm_lifecycle_stage s ON s.id = p.lifecycle_stage_id"
        f" WHERE {HISTORY_PARTNER_FILTER} ORDER BY p.id",
        marker,
    )
    customers = [row for row in light if row[2] == "customer"]
    weights = [
        customer_weight(
            args.seed,
            {"index": index, "create_date": created, "stage_date": reached},
            now,
            args.history_years,
        )
        for _id_, index, _stage, created, reached in customers
    ]
    total = (
        args.invoice_lines if args.invoice_lines is not None else INVOICE_LINES_PER_CUSTOMER * len(customers)
    )
    budgets = dict(zip((row[0] for row in customers), split_by_weight(total, weights), strict=True))
    jobs = []
    current, lines = [], 0
    for row in light:
        current.append(row[0])
        lines += budgets.get(row[0], 0)
        if lines >= HISTORY_JOB_LINES or len(current) >= HISTORY_JOB_PARTNERS:
            jobs.append(current)
            current, lines = [], 0
    if current:
        jobs.append(current)
    say(
        f"history of {len(light)} partners ({len(customers)} customers,"
        f" {sum(budgets.values())} invoice lines)"
        f" over {args.history_years} years, in {len(jobs)} jobs"
    )
    return [
        dict(base, partner_ids=ids, budgets=[budgets.get(id_, 0) for id_ in ids]) for ids in jobs
    ], budgets


def _load_job(db, job, select, ref, now, phone_state):
    """The job with its partners read (in the order of its ids)."""
    rows = db.fetchall(f"{select} WHERE p.id = ANY(%s) ORDER BY p.id", (job["partner_ids"],))
    if len(rows) != len(job["partner_ids"]):
        raise SystemExit("Partners changed while the history was generated: run again.")
    return dict(job, partners=history_partners(rows, ref, now, phone_state))


def number_documents(db, ref, dated_per_job):
    """The numbers of the numbered documents of each job, in date order over all jobs:
    [{(sequence, date): [numbers]}] (sale orders take theirs from the sale.order sequence)."""
    totals = collections.Counter()
    for dated in dated_per_job:
        totals.update(dated)
    per_job = [collections.defaultdict(list) for _dated in dated_per_job]
    sequences = sorted({kind for kind, _date in totals})
    for kind in sequences:
        dates = sorted(date for key_kind, date in totals if key_kind == kind)
        count = sum(totals[(kind, date)] for date in dates)
        if kind == "order":
            source = iter(_order_numbers(db, ref, count))
        else:
            years = sorted({date.year for date in dates})
            starts = {}
            for year in years:
                prefix = ref["prefixes"][kind].format(year=year)
                journal = ref["bank_journal"] if kind == "payment" else ref["sale_journal"]
                last = db.fetchall(
                    "SELECT max(sequence_number) FROM account_move"
                    " WHERE journal_id = %s AND sequence_prefix = %s",
                    (journal, prefix),
                )[0][0]
                starts[year] = itertools.count((last or 0) + 1)
            source = None
        for date in dates:
            for position, dated in enumerate(dated_per_job):
                wanted = dated.get((kind, date), 0)
                if not wanted:
                    continue
                numbers = per_job[position][(kind, date)]
                for _number in range(wanted):
                    numbers.append(next(source) if source is not None else next(starts[date.year]))
    return [dict(numbers) for numbers in per_job]


def _order_numbers(db, ref, count):
    """``count`` numbers of the sale order sequence, taken from it."""
    if not count:
        return []
    if ref["order_sequence_kind"] == "standard":
        sequence = f"ir_sequence_{ref['order_sequence']:03d}"
        rows = db.fetchall("SELECT nextval(%s) FROM generate_series(1, %s)", (sequence, count))
        return [row[0] for row in rows]
    db.cr.execute(
        "UPDATE ir_sequence SET number_next = number_next + %s * number_increment WHERE id = %s"
        " RETURNING number_next - %s * number_increment, number_increment",
        (count, ref["order_sequence"], count),
    )
    first, step = db.cr.fetchone()
    return [first + step * position for position in range(count)]


def generate_history(db, args, now, pool=None):
    """Leads, quotations, orders, invoices, credit notes, payments, messages and activities
    for the generated partners that have none yet (see plan_history), over
    ``args.history_years``; then the ownership schedule of the owners whose customers got
    an open opportunity or a deal, as crm_lifecycle computes it.

    Two passes over jobs of partners: the first counts the rows of each table and the
    numbered documents by date (so that ids are reserved and invoices, credit notes,
    payments and orders are numbered in date order), the second writes them; each job is
    one transaction.
    """
    company = db.xmlid("base", "main_company")
    ref = load_history_reference(db, company)
    ref["constants"] = history_constants(db, ref)
    products = ensure_catalogue(db, ref, now)
    db.commit()
    pools = load_pools(db, company)
    salespeople = [
        row[0]
        for row in db.fetchall(
            "SELECT u.id FROM res_users u JOIN res_groups_users_rel r ON r.uid = u.id AND r.gid = %s"
            " WHERE u.active AND NOT COALESCE(u.share, FALSE) AND u.id != 1 ORDER BY u.id",
            (db.xmlid("sales_team", "group_sale_salesman"),),
        )
    ]
    options = {
        "years": args.history_years,
        "lines_per_invoice": args.lines_per_invoice,
        "late_share": args.late_share,
        "credit_note_share": args.credit_note_share,
        "salespeople": salespeople,
        "terms": ref["terms"],
    }
    base = {
        "seed": args.seed,
        "now": now,
        "options": options,
        "ref": ref,
        "products": products,
        # the rules of each pool, by pool id
        "limits": {pool["id"]: pool_limits(pool["rules"]) for pool in pools},
        "exempt": {pool["id"]: pool["exempt"] for pool in pools},
    }
    try:
        import phonenumbers  # noqa: F401, PLC0415 (crm's phone quality needs it, like Odoo)

        phone_state = "correct"
    except ImportError:
        phone_state = None
    jobs, budgets = history_jobs(db, args, now, ref, base)
    if not jobs:
        return {}
    select = _partner_select(db)
    began = time.monotonic()
    # pass 1: counts
    loaded = (_load_job(db, job, select, ref, now, phone_state) for job in jobs)
    results = list(pipelined(pool, history_counts, loaded) if pool else map(history_counts, loaded))
    numbers = number_documents(db, ref, [dated for _counts, dated in results])
    db.commit()
    totals = collections.Counter()
    for counts, _dated in results:
        totals.update(counts)
    say(
        f"  planned in {time.monotonic() - began:.0f}s: "
        + ", ".join(f"{totals[t]} {t}" for t in HISTORY_TABLES)
    )
    # pass 2: rows

    def prepared():
        for job, (counts, _dated), job_numbers in zip(jobs, results, numbers, strict=True):
            job = _load_job(db, job, select, ref, now, phone_state)
            job["ids"] = {
                table: db.next_ids(table, counts[table]) if counts[table] else [] for table in HISTORY_TABLES
            }
            job["numbers"] = job_numbers
            yield job

    db.bulk_mode()
    written = collections.Counter()
    timings = collections.Counter()
    writing = 0.0
    schedules = 0
    chunks = pipelined(pool, history_rows, prepared()) if pool else map(history_rows, prepared())
    for out, schedule_rows in chunks:
        clock = time.monotonic()
        write_history_rows(db, ref, out, timings)
        schedules += update_schedules(db, schedule_rows)
        db.commit()
        writing += time.monotonic() - clock
        for table in HISTORY_TABLES:
            written[table] += len(out.get(table, ()))
        elapsed = time.monotonic() - began
        say(
            f"  {written['account_move_line']}/{totals['account_move_line']} journal items,"
            f" {written['sale_order_line']} order lines (writing {writing:.0f}s of {elapsed:.0f}s)"
        )
    if any(written[table] != totals[table] for table in HISTORY_TABLES):
        raise AssertionError(f"history: written {dict(written)} != planned {dict(totals)}")
    say(f"  {schedules} ownership schedules refreshed by the new documents")
    say(
        "  COPY time by table: "
        + ", ".join(f"{table} {seconds:.1f}s" for table, seconds in timings.most_common())
    )
    return written


# table -> (key of its constants in ref["constants"], its columns, its constants)
HISTORY_COLUMNS = {
    "crm_lead": ("lead", LEAD_COLUMNS, LEAD_CONSTANTS),
    "sale_order": ("order", ORDER_COLUMNS, ORDER_CONSTANTS),
    "sale_order_line": ("order_line", ORDER_LINE_COLUMNS, ORDER_LINE_CONSTANTS),
    "account_move": ("move", MOVE_COLUMNS, MOVE_CONSTANTS),
    "account_payment": ("payment", PAYMENT_COLUMNS, PAYMENT_CONSTANTS),
    "account_move_line": ("move_line", (*MOVE_LINE_COLUMNS, *MOVE_LINE_SHARED_COLUMNS), MOVE_LINE_CONSTANTS),
    "account_full_reconcile": ("full", FULL_COLUMNS, {}),
    "account_partial_reconcile": ("partial", PARTIAL_COLUMNS, PARTIAL_CONSTANTS),
    "mail_message": ("message", MESSAGE_COLUMNS, MESSAGE_CONSTANTS),
    "mail_activity": ("activity", ACTIVITY_COLUMNS, ACTIVITY_CONSTANTS),
}


def history_constants(db, ref):
    """{key: {column: value}}: the constant columns of each table of the history, those the
    table has, with the values of the database (company, currency, journals...); fails
    clearly when a table has a NOT NULL column the generator does not fill."""
    values = {
        "company_id": ref["company"],
        "currency_id": ref["currency"],
        "company_currency_id": ref["currency"],
        "debit_currency_id": ref["currency"],
        "credit_currency_id": ref["currency"],
        "record_company_id": ref["company"],
        "product_uom": ref["uom"],
        "journal_id": ref["bank_journal"],
        "payment_method_line_id": ref["method_line"],
        "payment_method_id": ref["method"],
        "outstanding_account_id": ref["outstanding"],
        "destination_account_id": ref["receivable"],
        "partner_bank_id": ref["company_bank"],
    }
    constants = {}
    for table, (key, columns, table_constants) in HISTORY_COLUMNS.items():
        present = db.columns(table)
        missing = [column for column in columns if column not in present]
        if missing:
            raise SystemExit(f"{table} lacks the columns {', '.join(missing)}: an unexpected Odoo version?")
        chosen = {}
        for column, value in table_constants.items():
            if column in present:
                chosen[column] = values[column] if value is None else value
        if key == "order":
            chosen.update((column, value) for column, value in ref["order_flags"].items() if column in chosen)
        db.check_required(table, (*columns, *chosen))
        constants[key] = chosen
    return constants


def write_history_rows(db, ref, out, timings):
    """COPY the rows of one job of history_rows; ``timings`` ({table: seconds}) adds up."""
    for table, (key, columns, _constants) in HISTORY_COLUMNS.items():
        if out.get(table):
            clock = time.monotonic()
            db.copy_lines(table, (*columns, *ref["constants"][key]), out[table])
            timings[table] += time.monotonic() - clock
    for key, (table, columns) in RELATIONS.items():
        if out.get(key):
            clock = time.monotonic()
            db.copy_lines(table, columns, out[key])
            timings[table] += time.monotonic() - clock


def update_schedules(db, rows):
    """Write the ownership schedules of history_rows (partners whose deals or open
    opportunities changed it); returns how many."""
    if not rows:
        return 0
    db.cr.execute(
        "CREATE TEMP TABLE IF NOT EXISTS generate_schedule (id int, deadline timestamp, rule varchar,"
        " days int, followup date) ON COMMIT DELETE ROWS"
    )
    db.copy_lines(
        "generate_schedule",
        ("id", "deadline", "rule", "days", "followup"),
        ("\t".join(copy_text(value) for value in row) for row in rows),
    )
    db.cr.execute(
        "UPDATE res_partner p SET ownership_deadline = s.deadline, crm_release_rule = s.rule,"
        " crm_release_days = s.days, next_followup_date = s.followup"
        "  FROM generate_schedule s WHERE p.id = s.id"
    )
    return len(rows)


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
        help="exactly N owned prospects past the release deadline of their pool's rules "
        "(no contact for longer than its no_contact_days + protection_days), the other owners "
        "safely within every limit; replaces --expired-share",
    )
    parser.add_argument(
        "--owned-share",
        type=share,
        default=None,
        help="share of the partners with an owner (default: by stage, from 45%% of the new "
        "prospects to 97%% of the customers); the others are in the pool",
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
        "--history",
        action="store_true",
        help="also write the history of the generated partners that have none yet (of this run and "
        "earlier ones): leads, quotations, confirmed orders, posted invoices and credit notes, "
        "payments (some late, some still due), contact messages of their owners and planned "
        "activities; a customer's volume follows a Pareto spread, its dates the seasons",
    )
    parser.add_argument(
        "--history-years",
        type=int,
        default=HISTORY_YEARS,
        metavar="YEARS",
        help=f"documents of the last YEARS years (default {HISTORY_YEARS})",
    )
    parser.add_argument(
        "--invoice-lines",
        type=int,
        default=None,
        metavar="N",
        help=f"invoice lines (products sold) of all the customers of the history together "
        f"(default {INVOICE_LINES_PER_CUSTOMER} per customer)",
    )
    parser.add_argument(
        "--lines-per-invoice",
        type=float,
        default=LINES_PER_INVOICE,
        metavar="N",
        help=f"average lines of an invoice (default {LINES_PER_INVOICE})",
    )
    parser.add_argument(
        "--late-share",
        type=share,
        default=LATE_SHARE,
        help=f"share of the customers that pay their invoices late (default {LATE_SHARE})",
    )
    parser.add_argument(
        "--credit-note-share",
        type=share,
        default=CREDIT_NOTE_SHARE,
        help=f"share of the invoices followed by a credit note (default {CREDIT_NOTE_SHARE})",
    )
    parser.add_argument(
        "--import-file",
        metavar="PATH",
        default=None,
        help="also write a prospect list to import (.xlsx, English headers: "
        + ", ".join(IMPORT_HEADERS)
        + "), after the partners; with --partners 0, only the file",
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=1000,
        metavar="N",
        help="rows of the prospect list (default 1000)",
    )
    parser.add_argument(
        "--import-duplicates",
        type=share,
        default=0.1,
        metavar="SHARE",
        help="share of the prospect list's rows that are customers already in the database (same "
        "phone, e-mail or VAT number, name spelt differently); the others are new companies that "
        "match nothing in the database nor each other (default 0.1)",
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
    if args.history_years < 1 or (args.invoice_lines is not None and args.invoice_lines < 0):
        parser.error("--history-years is at least 1, --invoice-lines a count")
    if args.lines_per_invoice < 1:
        parser.error("--lines-per-invoice is at least 1")
    if not 0 < args.import_rows <= IMPORT_SLOT_SIZE:
        parser.error(f"--import-rows counts rows: between 1 and {IMPORT_SLOT_SIZE}")
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
        analyzed = []
        if args.partners:
            try:
                generate_partners(db, args, now, pool)
            except ExpiredCountError as exc:  # more expired owners asked than the partners allow
                raise SystemExit(f"[generate] {exc}") from exc
            analyzed += ANALYZED_TABLES
        if args.history:
            generate_history(db, args, now, pool)
            analyzed += ANALYZED_HISTORY_TABLES
        if analyzed:
            db.commit()
            db.connection.autocommit = True
            for table in analyzed:
                db.cr.execute(f"ANALYZE {table}")
        if args.import_file:
            write_import_file(db, args)
    finally:
        db.close()
        if pool:
            pool.terminate()
    say(f"done in {time.monotonic() - began:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
