"""Word lists and names the generated companies, people and documents are made of: brand
syllables, the cultures (country, cities with their area codes, industries, legal forms,
name patterns), salespeople, contact persons, streets, the product catalogue, note texts.
Pure data, no logic beyond deriving lists from lists."""

import itertools

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


# Polish mobile numbers start with these; no landline area code of LOCALES does.
POLISH_MOBILE_PREFIXES = ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88")


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
