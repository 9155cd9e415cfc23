#!/usr/bin/env python3
"""Build the sample files of the customer import (Customers > Customers > Import Customers).

Run it in the project's virtualenv (openpyxl, xlwt)::

    python data/make_import_samples.py [--output-dir data]

It writes, byte for byte the same on every run (the files are committed):

* ``import_sample_en.xlsx``: 25 prospects with English headers, all valid;
* ``import_sample_zh.xls``: 25 Chinese prospects with Simplified Chinese headers, in the
  old Excel format, with phones stored as numbers and dates;
* ``import_sample_errors.xlsx``: one row for each kind of error the import reports (missing
  name, invalid email, phone that is no phone number, unknown country, unknown state,
  duplicate inside the file, duplicates of customers of the crm_lifecycle demo data, whose
  refusal names their owner), beside valid rows with long numbers and a date stored as such.

Companies, people, phones, emails and tax numbers are invented (".example" domains, the
fictional UK ranges 0117 496 0xxx and 07700 900xxx, US 555-01xx), except the two rows
that duplicate demo customers on purpose. The tax numbers carry the check digits of their
country, since base_vat (installed with any European localisation) refuses others.
"""

import argparse
import datetime
import io
import sys
import zipfile
from pathlib import Path

import openpyxl
import xlwt
from openpyxl.styles import Font

# the generator's package, beside this script, loads crm_lifecycle's header tables
sys.path.insert(0, str(Path(__file__).resolve().parent))
from crm_generate.specs import load_import_headers  # noqa: E402

# A fixed date for the file properties and the zip entries, so that the output is deterministic.
FIXED_DATE = datetime.datetime(2025, 1, 1)
AUTHOR = "crm_lifecycle sample files"

# The headers come from the import itself (crm_lifecycle/utils/import_headers.py).
_HEADERS = load_import_headers()
ENGLISH_HEADERS = list(_HEADERS.SAMPLE_HEADERS["en"])

# fmt: off
ENGLISH_ROWS = [
    ["Harbourside Marine Supplies Ltd", "Oliver Bennett", "+44 117 496 0311", "+44 7700 900311",
     "oliver.bennett@harbourside-marine.example", "GB293184734", "14 Cumberland Road", "Bristol", "",
     "United Kingdom", "https://www.harbourside-marine.example", "Wholesale", "Trade Fair",
     "Met at the Southampton boat show", "Marine, Wholesale"],
    ["Kingfisher Office Interiors Ltd", "Amelia Hughes", "+44 117 496 0312", "+44 7700 900312",
     "amelia@kingfisher-interiors.example", "GB318402971", "3 Temple Gate", "Bristol", "", "GB",
     "https://kingfisher-interiors.example", "Construction", "Cold Call", "", "Office refit"],
    ["Pennine Outdoor Gear Ltd", "Harry Walsh", "+44 113 496 0313", "+44 7700 900313",
     "harry.walsh@pennine-outdoor.example", "GB402918316", "22 Call Lane", "Leeds", "", "United Kingdom",
     "https://www.pennine-outdoor.example", "Retail", "Website", "Asked for the spring catalogue", "Retail"],
    ["Thistle & Rose Catering Ltd", "Isla Campbell", "+44 131 496 0314", "+44 7700 900314",
     "events@thistle-rose.example", "GB511203809", "8 Rose Street", "Edinburgh", "", "United Kingdom",
     "https://thistle-rose.example", "Hospitality", "Customer Referral", "", "Catering, Events"],
    ["Copperfield Print Studio", "Noah Clarke", "+44 161 496 0315", "+44 7700 900315",
     "studio@copperfield-print.example", "", "41 Oldham Street", "Manchester", "", "GB",
     "https://copperfield-print.example", "Printing", "LinkedIn", "Needs 500 desk calendars a year", ""],
    ["Wisła Meble Biurowe Sp. z o.o.", "Katarzyna Wójcik", "+48 22 315 40 16", "+48 601 315 416",
     "biuro@wisla-meble.example", "PL7251801126", "ul. Marszałkowska 84", "Warszawa", "", "Poland",
     "https://www.wisla-meble.example", "Manufacturing", "Trade Fair", "Targi Poznań, stoisko B12",
     "Furniture, Poland"],
    ["Podhale Drewno S.A.", "Tomasz Gąsienica", "+48 18 201 33 17", "+48 602 201 317",
     "kontakt@podhale-drewno.example", "PL7361723456", "ul. Kościuszki 17", "Zakopane", "", "PL",
     "https://podhale-drewno.example", "Manufacturing", "Cold Call", "", "Wood"],
    ["Sopot Design Studio", "Magdalena Kowalczyk", "+48 58 551 20 18", "+48 603 551 218",
     "hello@sopot-design.example", "PL5851478566", "ul. Bohaterów Monte Cassino 18", "Sopot", "", "Poland",
     "https://sopot-design.example", "Design", "Website", "", "Design"],
    ["Lubelskie Przetwory Owocowe Sp. z o.o.", "Piotr Zając", "+48 81 443 12 19", "+48 604 443 219",
     "zamowienia@lubelskie-przetwory.example", 7123045587, "ul. Zemborzycka 19", "Lublin", "", "PL",
     "https://lubelskie-przetwory.example", "Food", "Customer Referral", "NIP stored as a number",
     "Food, Poland"],
    ["Bydgoszcz Elektro Serwis", "Marek Nowicki", "+48 52 322 90 20", "+48 605 322 920",
     "serwis@bydgoszcz-elektro.example", "PL9532619874", "ul. Gdańska 120", "Bydgoszcz", "", "Poland",
     "https://bydgoszcz-elektro.example", "Services", "Cold Call", "", "Service"],
    ["Golden Valley Orchards Inc.", "Emily Carter", "+1 559 555 0151", "+1 559 555 0161",
     "emily.carter@goldenvalley-orchards.example", "", "1500 Blackstone Avenue", "Fresno", "CA",
     "United States", "https://goldenvalley-orchards.example", "Agriculture", "Trade Fair", "",
     "Food, USA"],
    ["Hudson Riverworks LLC", "Michael Rossi", "+1 518 555 0152", "+1 518 555 0162",
     "m.rossi@hudson-riverworks.example", "", "25 Broadway", "Albany", "New York", "US",
     "https://hudson-riverworks.example", "Construction", "LinkedIn", "Wants a quote for 40 chairs", ""],
    ["Lone Star Dental Supply", "Sarah Nguyen", "+1 512 555 0153", "+1 512 555 0163",
     "orders@lonestar-dental.example", "", "600 Congress Avenue", "Austin", "TX", "US",
     "https://lonestar-dental.example", "Health Care", "Website", "", "Dental"],
    ["Evergreen Bike Works", "Daniel Kim", "+1 206 555 0154", "+1 206 555 0164",
     "daniel@evergreen-bikes.example", "", "1200 Westlake Avenue", "Seattle", "WA", "United States",
     "https://evergreen-bikes.example", "Retail", "Cold Call", "", "Retail, USA"],
    ["Magnolia Event Rentals", "Grace Thompson", "+1 404 555 0155", "+1 404 555 0165",
     "grace@magnolia-events.example", "", "75 Peachtree Street", "Atlanta", "GA", "US",
     "https://magnolia-events.example", "Hospitality", "Customer Referral", "", "Events"],
    ["Rheinland Werkzeugbau GmbH", "Lukas Becker", "+49 221 5550 3116", "+49 151 5550 3116",
     "l.becker@rheinland-werkzeug.example", "DE298765435", "Hohenzollernring 16", "Köln", "", "Germany",
     "https://rheinland-werkzeug.example", "Manufacturing", "Trade Fair", "Hannover Messe", "Germany"],
    ["Alpenblick Hotel GmbH", "Sophie Huber", "+49 8821 5550 317", "+49 160 5550 317",
     "reservierung@alpenblick-hotel.example", "DE311224568", "Bahnhofstraße 17", "Garmisch-Partenkirchen",
     "", "DE", "https://alpenblick-hotel.example", "Hospitality", "Website", "", "Hotels"],
    ["Hanse Kaffeerösterei KG", "Jonas Petersen", "+49 40 5550 3118", "+49 170 5550 318",
     "info@hanse-kaffee.example", "DE327781901", "Speicherstadt 18", "Hamburg", "", "Germany",
     "https://hanse-kaffee.example", "Food", "LinkedIn", "", "Coffee"],
    ["Liffey Software Solutions Ltd", "Aoife Byrne", "+353 1 555 0319", "+353 85 555 0319",
     "aoife@liffey-software.example", "IE6388047V", "19 Grand Canal Quay", "Dublin", "", "Ireland",
     "https://liffey-software.example", "Software", "Website", "Needs 12 standing desks", "IT"],
    ["Atelier Lumière SARL", "Camille Laurent", "+33 1 55 50 03 20", "+33 6 55 50 03 20",
     "camille@atelier-lumiere.example", "FR40303265045", "20 rue de Rivoli", "Paris", "", "France",
     "https://atelier-lumiere.example", "Design", "Trade Fair", "Maison&Objet", "Design, France"],
    ["Bodega Sol y Mar S.L.", "Javier Moreno", "+34 91 555 03 21", "+34 655 503 321",
     "javier@solymar-bodega.example", "ESB12345674", "Calle Mayor 21", "Madrid", "", "ES",
     "https://solymar-bodega.example", "Food", "Customer Referral", "", "Wine"],
    ["Tulip Flower Logistics B.V.", "Sanne de Vries", "+31 20 555 0322", "+31 6 5550 0322",
     "planning@tulip-logistics.example", "NL853746333B01", "Keizersgracht 22", "Amsterdam", "",
     "Netherlands", "https://tulip-logistics.example", "Logistics", "Cold Call", "", "Logistics"],
    ["Nordlys Marine AS", "Erik Hansen", "+47 22 55 03 23", "+47 455 03 323", "erik@nordlys-marine.example",
     "NO923609016MVA", "Akershusstranda 23", "Oslo", "", "Norway", "https://nordlys-marine.example",
     "Wholesale", "Trade Fair", "", "Marine"],
    ["Vltava Glassworks s.r.o.", "Petra Novotná", "+420 222 555 324", "+420 602 555 324",
     "petra@vltava-glass.example", "CZ27082440", "Národní 24", "Praha", "", "Czech Republic",
     "https://vltava-glass.example", "Manufacturing", "LinkedIn", "", "Glass"],
    ["Danube Craft Brewery Kft.", "Bence Kovács", "+36 1 555 0325", "+36 30 555 0325",
     "bence@danube-craft.example", "HU12892312", "Andrássy út 25", "Budapest", "", "Hungary",
     "https://danube-craft.example", "Food", "Website", "", "Beer"],
]

CHINESE_HEADERS = list(_HEADERS.SAMPLE_HEADERS["zh_CN"])

# Phones and mobiles of some rows are numbers, as Excel stores them when they are typed
# without a separator; dates are real date cells. The tax numbers are unified social credit
# codes with their check character (base_vat checks them): text, since 18 digits are more
# than an Excel number holds.
CHINESE_ROWS = [
    ["上海浦江文具用品有限公司", "张伟", "021-6288 0301", 13801230301, "zhangwei@pujiang-wenju.example",
     "91310000MA1FL3010D", "南京西路 301 号", "上海", "上海市", "CN", "https://pujiang-wenju.example",
     "批发", "展会", datetime.date(2025, 3, 6), "文具, 批发"],
    ["上海静安办公家具有限公司", "李娜", 2162880302, 13801230302, "lina@jingan-jiaju.example",
     "91310106MA1FY03027", "延安中路 302 号", "上海", "上海市", "CN", "https://jingan-jiaju.example", "制造",
     "电话营销", "电话以数字保存", "家具"],
    ["广州珠江贸易有限公司", "王芳", "020-3878 0303", 13901230303, "wangfang@zhujiang-trade.example",
     "91440101MA5CR3030X", "天河路 303 号", "广州", "广东省", "CN", "https://zhujiang-trade.example", "贸易",
     "客户推荐", "", "贸易"],
    ["深圳前海云端科技有限公司", "刘洋", "0755-8663 0304", 13901230304, "liuyang@qianhai-cloud.example",
     "91440300MA5FT3040A", "前海大道 304 号", "深圳", "广东省", "CN", "https://qianhai-cloud.example", "软件",
     "网站", datetime.date(2025, 4, 18), "IT"],
    ["东莞松湖五金制品有限公司", "陈静", "0769-2288 0305", 13901230305, "chenjing@songhu-wujin.example",
     "91441900MA4UH3050R", "松山湖大道 305 号", "东莞", "广东省", "CN", "https://songhu-wujin.example",
     "制造", "展会", "", "五金"],
    ["杭州西溪电子商务有限公司", "杨磊", "0571-8796 0306", 13701230306, "yanglei@xixi-ec.example",
     "91330106MA2H63060M", "文一西路 306 号", "杭州", "浙江省", "CN", "https://xixi-ec.example", "零售",
     "网站", "", "电商"],
    ["宁波甬江机械有限公司", "赵敏", "0574-8718 0307", 13701230307, "zhaomin@yongjiang-jixie.example",
     "91330200MA2J73070F", "中山东路 307 号", "宁波", "浙江省", "CN", "https://yongjiang-jixie.example",
     "制造", "电话营销", "", "机械"],
    ["北京中关村智能设备有限公司", "黄强", "010-6581 0308", 13601230308, "huangqiang@zgc-smart.example",
     "91110108MA0183080Q", "中关村大街 308 号", "北京", "北京市", "CN", "https://zgc-smart.example", "软件",
     "展会", datetime.date(2025, 5, 9), "IT, 北京"],
    ["北京朝阳国际会展服务有限公司", "周婷", "010-8532 0309", 13601230309, "zhouting@chaoyang-expo.example",
     "91110105MA01930906", "建国路 309 号", "北京", "北京市", "CN", "https://chaoyang-expo.example", "服务",
     "客户推荐", "", "会展"],
    ["南京秦淮文化传播有限公司", "吴军", "025-8471 0310", 13501230310, "wujun@qinhuai-culture.example",
     "91320104MA1M03101W", "中山南路 310 号", "南京", "江苏省", "CN", "https://qinhuai-culture.example",
     "传媒", "网站", "", "传媒"],
    ["苏州工业园区精密模具有限公司", "徐丽", "0512-6288 0311", 13501230311, "xuli@sip-mould.example",
     "91320594MA1N131118", "星湖街 311 号", "苏州", "江苏省", "CN", "https://sip-mould.example", "制造",
     "展会", "", "模具"],
    ["无锡太湖纺织品有限公司", "孙刚", "0510-8271 0312", 13501230312, "sungang@taihu-textile.example",
     "91320200MA1P23121Y", "人民中路 312 号", "无锡", "江苏省", "CN", "https://taihu-textile.example", "纺织",
     "电话营销", "", "纺织"],
    ["成都锦江茶饮连锁有限公司", "胡敏", "028-8553 0313", 13801230313, "humin@jinjiang-tea.example",
     "91510104MA6Q331317", "春熙路 313 号", "成都", "四川省", "CN", "https://jinjiang-tea.example", "餐饮",
     "客户推荐", "", "茶饮"],
    ["武汉光谷生物科技有限公司", "朱伟", "027-8577 0314", 13801230314, "zhuwei@optics-valley-bio.example",
     "91420100MA4K43141A", "高新大道 314 号", "武汉", "湖北省", "CN", "https://optics-valley-bio.example",
     "医疗", "展会", "", "生物"],
    ["厦门鼓浪屿旅游服务有限公司", "高洁", "0592-5961 0315", 13901230315, "gaojie@gulangyu-travel.example",
     "91350200MA2Y53151X", "鹿礁路 315 号", "厦门", "福建省", "CN", "https://gulangyu-travel.example", "旅游",
     "网站", "", "旅游"],
    ["福州闽江建材有限公司", "林峰", "0591-8761 0316", 13901230316, "linfeng@minjiang-jiancai.example",
     "91350100MA3263161F", "五四路 316 号", "福州", "福建省", "CN", "https://minjiang-jiancai.example",
     "建材", "电话营销", "", "建材"],
    ["青岛崂山矿泉饮品有限公司", "郭亮", "0532-8578 0317", 13701230317, "guoliang@laoshan-water.example",
     "91370200MA3C73171F", "香港中路 317 号", "青岛", "山东省", "CN", "https://laoshan-water.example", "食品",
     "展会", datetime.date(2025, 6, 2), "饮品"],
    ["济南泉城物流有限公司", "何静", "0531-8690 0318", 13701230318, "hejing@quancheng-logistics.example",
     "91370100MA3D83181M", "泉城路 318 号", "济南", "山东省", "CN", "https://quancheng-logistics.example",
     "物流", "客户推荐", "", "物流"],
    ["天津滨海港口设备有限公司", "马超", "022-2330 0319", 13601230319, "machao@binhai-port.example",
     "91120116MA0593191B", "第二大街 319 号", "天津", "天津市", "CN", "https://binhai-port.example", "制造",
     "展会", "", "港口"],
    ["重庆解放碑餐饮管理有限公司", "罗娟", "023-6378 0320", 13601230320, "luojuan@jfb-catering.example",
     "91500103MA60032025", "民权路 320 号", "重庆", "重庆市", "CN", "https://jfb-catering.example", "餐饮",
     "网站", "", "餐饮"],
    ["长沙岳麓教育咨询有限公司", "梁勇", "0731-8444 0321", 13501230321, "liangyong@yuelu-edu.example",
     "91430104MA4R132126", "麓山南路 321 号", "长沙", "湖南省", "CN", "https://yuelu-edu.example", "教育",
     "电话营销", "", "教育"],
    ["郑州二七医疗器械有限公司", "宋涛", "0371-6596 0322", 13501230322, "songtao@erqi-medical.example",
     "91410103MA4T23222T", "二七路 322 号", "郑州", "河南省", "CN", "https://erqi-medical.example", "医疗",
     "展会", "", "医疗"],
    ["西安曲江影视文化有限公司", "唐敏", "029-8721 0323", 13801230323, "tangmin@qujiang-film.example",
     "91610113MA6T33232W", "雁塔南路 323 号", "西安", "陕西省", "CN", "https://qujiang-film.example", "传媒",
     "客户推荐", datetime.date(2025, 7, 15), "影视"],
    ["合肥包河新能源有限公司", "韩雪", "0551-6288 0324", 13801230324, "hanxue@baohe-energy.example",
     "91340111MA2U43242T", "马鞍山路 324 号", "合肥", "安徽省", "CN", "https://baohe-energy.example", "能源",
     "网站", "", "能源"],
    ["昆明滇池花卉园艺有限公司", "冯丽", "0871-6536 0325", 13901230325, "fengli@dianchi-flowers.example",
     "91530100MA6W53252A", "滇池路 325 号", "昆明", "云南省", "CN", "https://dianchi-flowers.example", "农业",
     "展会", "", "花卉"],
]

# One row per error, then valid rows; the comment says what the import reports.
ERROR_ROWS = [
    # valid
    ["Fenwick & Cole Stationers Ltd", "Peter Fenwick", "+44 117 496 0381", "+44 7700 900381",
     "peter@fenwick-cole.example", "GB402761523", "5 Corn Street", "Bristol", "", "United Kingdom",
     "https://fenwick-cole.example", "Wholesale", "Trade Fair", "", "Stationery"],
    # valid: phone, mobile and NIP stored as numbers keep all their digits
    ["Wiśniowy Sad Sp. z o.o.", "Agnieszka Mazur", 48223456789, 48601345678, "biuro@wisniowy-sad.example",
     5213017228, "ul. Puławska 145", "Warszawa", "", "PL", "https://wisniowy-sad.example", "Food",
     "Cold Call", "", "Food"],
    # missing name
    ["", "Karen Holt", "+44 117 496 0383", "", "karen.holt@unknown-company.example", "", "", "Bristol",
     "", "GB", "", "", "Trade Fair", "Business card without a company name", ""],
    # invalid email
    ["Brookfield Garden Centre", "Tom Archer", "+44 113 496 0384", "", "sales(at)brookfield-garden.example",
     "", "Otley Road", "Leeds", "", "United Kingdom", "", "Retail", "Website", "", ""],
    # not a phone number
    ["Quayside Coffee Roasters", "Mia Evans", "12-34", "", "mia@quayside-coffee.example", "", "1 Quay Street",
     "Bristol", "", "United Kingdom", "", "Food", "Cold Call", "", ""],
    # unknown country (or imported without country when "Leave the field empty" is chosen)
    ["Aurora Trading Company", "Finn Lucas", "+44 20 7946 0386", "", "finn@aurora-trading.example", "",
     "2 Lamp Post Lane", "Cair Paravel", "", "Narnia", "", "Wholesale", "LinkedIn", "", ""],
    # unknown state of a known country
    ["Golden Gate Bikes Inc.", "Linda Park", "+1 415 555 0187", "", "linda@goldengate-bikes.example", "",
     "900 Market Street", "San Francisco", "Atlantis", "US", "", "Retail", "Website", "", ""],
    # duplicate inside the file: the same phone as the first row, written another way
    ["Fenwick and Cole Stationers", "Anna Cole", "0117 496 0381", "", "anna@fenwick-cole.example", "",
     "5 Corn Street", "Bristol", "", "GB", "", "Wholesale", "Customer Referral", "", ""],
    # duplicate of a demo customer (Northwind Traders Ltd, owned by the administrator)
    ["NORTHWIND TRADERS LIMITED", "Laura Callahan", "+44 (0)113 496 0101", "",
     "orders@northwind-traders.example", "", "12 Wellington Street", "Leeds", "", "United Kingdom",
     "https://www.northwind-traders.example", "Wholesale", "Trade Fair", "", ""],
    # duplicate of a demo customer by email (Mazowieckie Meble Sp. z o.o., owned by Marc Demo)
    ["Meble Mazowieckie", "Jan Kowalski", "", "", "contact@mazowieckie-meble.example", "", "", "Radom", "",
     "Poland", "", "Manufacturing", "Cold Call", "", ""],
    # two errors in one row: invalid email and not a phone number
    ["Kite & String Toys", "Ruby Shaw", "n/a", "", "ruby@", "", "", "Brighton", "", "United Kingdom", "",
     "Retail", "Website", "", ""],
    # valid: a date cell in the notes
    ["Elbląg Yachts Sp. z o.o.", "Wojciech Lis", "+48 55 232 11 92", "+48 606 232 192",
     "wojciech@elblag-yachts.example", "PL5783108873", "ul. Stoczniowa 2", "Elbląg", "", "Poland",
     "https://elblag-yachts.example", "Manufacturing", "Trade Fair", datetime.date(2025, 3, 14), "Marine"],
]
# fmt: on


def _deterministic_zip(content):
    """``content`` (a zip) with every entry dated :data:`FIXED_DATE`, in the same order."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=FIXED_DATE.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(item.filename))
    return output.getvalue()


def build_xlsx(headers, rows, title):
    workbook = openpyxl.Workbook()
    workbook.properties.creator = AUTHOR
    workbook.properties.lastModifiedBy = AUTHOR
    workbook.properties.created = FIXED_DATE
    workbook.properties.modified = FIXED_DATE
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(12, width + 2), 45)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, int):
                cell.number_format = "0"  # long numbers shown with all their digits
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return _deterministic_zip(output.getvalue())


def build_xls(headers, rows, title):
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet(title)
    bold = xlwt.easyxf("font: bold on")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    number = xlwt.easyxf(num_format_str="0")
    for column, header in enumerate(headers):
        sheet.write(0, column, header, bold)
        width = max(len(str(row[column])) for row in [headers, *rows])
        sheet.col(column).width = 256 * min(max(10, 2 * width + 2), 45)
    for row_index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write(row_index, column, value, date)
            elif isinstance(value, int):
                sheet.write(row_index, column, value, number)
            elif value != "":
                sheet.write(row_index, column, value)
    sheet.set_panes_frozen(True)
    sheet.set_horz_split_pos(1)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def build_all():
    """``{file name: content}`` of the sample files."""
    return {
        "import_sample_en.xlsx": build_xlsx(ENGLISH_HEADERS, ENGLISH_ROWS, "Prospects"),
        "import_sample_zh.xls": build_xls(CHINESE_HEADERS, CHINESE_ROWS, "客户资源"),
        "import_sample_errors.xlsx": build_xlsx(ENGLISH_HEADERS, ERROR_ROWS, "Prospects"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    for name, content in build_all().items():
        path = args.output_dir / name
        path.write_bytes(content)
        print(f"{path}: {len(content)} bytes")


if __name__ == "__main__":
    main()
