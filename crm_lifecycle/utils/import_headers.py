"""Column headers of customer spreadsheets and the fields they fill.

Pure Python, no ORM. The customer import recognises the header row of a sheet and
maps each column to a *target* (a key of :data:`TARGETS`) by comparing the header
text with :data:`ALIASES`, names that people write in English, Simplified Chinese,
Traditional Chinese and Polish. The comparison ignores case, accents, full-width
forms, spaces and punctuation (``"E-mail"``, ``"e mail"`` and ``"ＥＭＡＩＬ"`` are the
same header), see :func:`header_key`.
"""

from odoo.tools.translate import LazyTranslate

from .normalize import words

_lt = LazyTranslate(__name__)

# What a column can fill, in the order of the template and of the mapping choices.
TARGETS = (
    "name",
    "contact_name",
    "phone",
    "mobile",
    "email",
    "vat",
    "street",
    "city",
    "state",
    "country",
    "website",
    "industry",
    "source",
    "notes",
    "tags",
)

# The label of each target; the English label and its translations are headers too.
TARGET_LABELS = {
    "name": _lt("Company Name"),
    "contact_name": _lt("Contact Person"),
    "phone": _lt("Phone"),
    "mobile": _lt("Mobile"),
    "email": _lt("Email"),
    "vat": _lt("VAT"),
    "street": _lt("Street"),
    "city": _lt("City"),
    "state": _lt("State / Province"),
    "country": _lt("Country"),
    "website": _lt("Website"),
    "industry": _lt("Industry"),
    "source": _lt("Source"),
    "notes": _lt("Notes"),
    "tags": _lt("Tags"),
}

# The headers of the sample files and of generated prospect lists, by language, in the order
# of TARGETS: data/make_import_samples.py and data/generate.py read them from here (a test
# checks that each is recognised as its target).
SAMPLE_HEADERS = {
    "en": (
        "Company Name", "Contact Person", "Phone", "Mobile", "Email", "VAT", "Street", "City", "State",
        "Country", "Website", "Industry", "Source", "Notes", "Tags",
    ),
    "zh_CN": (
        "公司名称", "联系人", "电话", "手机", "邮箱", "税号", "地址", "城市", "省份", "国家", "网站", "行业",
        "来源", "备注", "标签",
    ),
}  # fmt: skip

# Header names by target: English, Simplified Chinese, Traditional Chinese, Polish.
# A name belongs to one target only (a test checks it).
ALIASES = {
    "name": (
        "Company Name",
        "Company",
        "Customer",
        "Customer Name",
        "Name",
        "Client",
        "Client Name",
        "Account",
        "Account Name",
        "Organization",
        "Organisation",
        "Business Name",
        "公司名称",
        "客户名称",
        "公司",
        "客户",
        "企业名称",
        "单位名称",
        "名称",
        "公司名稱",
        "客戶名稱",
        "客戶",
        "企業名稱",
        "單位名稱",
        "名稱",
        "Nazwa firmy",
        "Firma",
        "Nazwa",
        "Klient",
        "Nazwa klienta",
        "Kontrahent",
        "Nazwa kontrahenta",
    ),
    "contact_name": (
        "Contact Person",
        "Contact",
        "Contact Name",
        "Person",
        "联系人",
        "联系人姓名",
        "姓名",
        "聯絡人",
        "聯繫人",
        "聯絡人姓名",
        "Osoba kontaktowa",
        "Kontakt",
        "Imię i nazwisko",
    ),
    "phone": (
        "Phone",
        "Telephone",
        "Tel",
        "Phone Number",
        "Work Phone",
        "Office Phone",
        "Landline",
        "电话",
        "联系电话",
        "固定电话",
        "座机",
        "电话号码",
        "办公电话",
        "電話",
        "聯絡電話",
        "電話號碼",
        "市話",
        "Telefon",
        "Numer telefonu",
        "Telefon stacjonarny",
    ),
    "mobile": (
        "Mobile",
        "Mobile Phone",
        "Mobile Number",
        "Cell",
        "Cell Phone",
        "Cellphone",
        "手机",
        "手机号",
        "手机号码",
        "移动电话",
        "手機",
        "手機號碼",
        "行動電話",
        "Telefon komórkowy",
        "Komórka",
        "Tel. kom.",
        "Telefon kom.",
    ),
    "email": (
        "Email",
        "Email Address",
        "Mail",
        "邮箱",
        "电子邮箱",
        "电子邮件",
        "邮件",
        "邮箱地址",
        "電子郵件",
        "電郵",
        "郵箱",
        "電子信箱",
        "Adres e-mail",
        "Poczta",
    ),
    "vat": (
        "VAT",
        "VAT Number",
        "VAT ID",
        "Tax ID",
        "Tax Number",
        "TIN",
        "税号",
        "纳税人识别号",
        "统一社会信用代码",
        "税务登记号",
        "統一編號",
        "統編",
        "稅號",
        "NIP",
        "Numer NIP",
        "NIP/VAT",
    ),
    "street": (
        "Street",
        "Address",
        "Street Address",
        "Address Line 1",
        "地址",
        "街道",
        "详细地址",
        "街道地址",
        "詳細地址",
        "Ulica",
        "Adres",
    ),
    "city": (
        "City",
        "Town",
        "城市",
        "市",
        "縣市",
        "Miasto",
        "Miejscowość",
    ),
    "state": (
        "State",
        "Province",
        "Region",
        "County",
        "State/Province",
        "省",
        "省份",
        "省/州",
        "州",
        "省市",
        "Województwo",
    ),
    "country": (
        "Country",
        "Country Code",
        "Nation",
        "国家",
        "国家/地区",
        "國家",
        "國家/地區",
        "Kraj",
        "Państwo",
    ),
    "website": (
        "Website",
        "Web Site",
        "Web",
        "URL",
        "Homepage",
        "网站",
        "网址",
        "官网",
        "主页",
        "網站",
        "網址",
        "官網",
        "Strona www",
        "Strona internetowa",
        "WWW",
    ),
    "industry": (
        "Industry",
        "Sector",
        "Business Sector",
        "行业",
        "所属行业",
        "行業",
        "產業",
        "Branża",
        "Sektor",
    ),
    "source": (
        "Source",
        "Lead Source",
        "Origin",
        "Channel",
        "来源",
        "客户来源",
        "渠道",
        "來源",
        "客戶來源",
        "管道",
        "Źródło",
        "Źródło pozyskania",
        "Kanał",
    ),
    "notes": (
        "Notes",
        "Note",
        "Comment",
        "Comments",
        "Remarks",
        "Description",
        "备注",
        "说明",
        "描述",
        "備註",
        "說明",
        "Uwagi",
        "Notatki",
        "Notatka",
        "Komentarz",
        "Opis",
    ),
    "tags": (
        "Tags",
        "Tag",
        "Labels",
        "Label",
        "Category",
        "Categories",
        "标签",
        "分类",
        "標籤",
        "標簽",
        "分類",
        "Tagi",
        "Etykiety",
        "Kategoria",
        "Kategorie",
    ),
}


def header_key(text):
    """``text`` folded for comparison: case, accents, full-width forms, spaces and punctuation removed.

    ``"E-mail"``, ``" e mail "`` and ``"ＥＭＡＩＬ"`` all give ``"email"``. Saved column
    mappings are keyed by it.
    """
    return "".join(words(text))


_TARGET_BY_KEY = {header_key(alias): target for target, aliases in ALIASES.items() for alias in aliases}


def match_header(text):
    """The target key a column header stands for, or ``None`` when it is not recognised."""
    return _TARGET_BY_KEY.get(header_key(text))


def target_labels(env=None):
    """``{target: label}`` in the order of :data:`TARGETS`, translated in ``env``'s language.

    Without ``env`` the English labels are returned.
    """
    if env is None:
        return {target: TARGET_LABELS[target]._source for target in TARGETS}
    return {target: env._(TARGET_LABELS[target]) for target in TARGETS}
