from odoo.tests import BaseCase, tagged

from odoo.addons.crm_lifecycle.utils import normalize


@tagged("post_install", "-at_install")
class TestNormalize(BaseCase):
    """The keys of the duplicate check, computed without any database."""

    def assertSameKey(self, function, values, expected, *args):
        for value in values:
            self.assertEqual(function(value, *args), expected, f"{function.__name__}({value!r})")

    def test_english_company_names(self):
        self.assertSameKey(
            normalize.company_name_key,
            ["ACME Ltd.", "Acme Limited", "Acme, Inc.", "ACME Corp", "acme co., ltd.", "  A.C.M.E.  LLC "],
            "acme",
        )
        self.assertEqual(normalize.company_name_key("Smith & Sons PLC"), "smithsons")

    def test_polish_company_names(self):
        self.assertSameKey(
            normalize.company_name_key,
            [
                "ACME Sp. z o.o.",
                "Acme spółka z ograniczoną odpowiedzialnością",
                "ACME sp.z o.o.",
                "Acme S.A.",
                "ACME Spółka Akcyjna",
                "Acme Sp. j.",
                "Acme sp. z o.o. sp. k.",
            ],
            "acme",
        )
        # Polish letters lose their accents, ł included
        self.assertEqual(normalize.company_name_key("Łódzkie Zakłady Sp. z o.o."), "lodzkiezaklady")

    def test_chinese_and_japanese_company_names(self):
        self.assertSameKey(
            normalize.company_name_key,
            ["北京华为技术有限公司", "北京华为技术", "北京华为技术股份有限公司", "北京华为技术有限责任公司"],
            "北京华为技术",
        )
        # 集团 (group) is part of the name, not a legal form
        self.assertEqual(normalize.company_name_key("华为集团有限公司"), "华为集团")
        self.assertNotEqual(normalize.company_name_key("华为集团"), normalize.company_name_key("华为"))
        # full-width letters and brackets are folded (NFKC)
        self.assertEqual(normalize.company_name_key("ＡＣＭＥ　ＬＴＤ"), "acme")
        self.assertEqual(normalize.company_name_key("华为技术（深圳）有限公司"), "华为技术深圳")
        self.assertSameKey(
            normalize.company_name_key, ["株式会社トヨタ", "トヨタ株式会社", "㈱トヨタ"], "トヨタ"
        )

    def test_other_legal_forms_and_accents(self):
        self.assertEqual(normalize.company_name_key("Siemens GmbH & Co. KG"), "siemens")
        self.assertEqual(normalize.company_name_key("Société Générale S.A."), "societegenerale")
        self.assertEqual(normalize.company_name_key("Fiat S.p.A."), "fiat")
        self.assertEqual(normalize.company_name_key("Philips B.V."), "philips")
        self.assertEqual(normalize.company_name_key("ООО Ромашка"), "ромашка")
        # an ordinary word is no legal form, and a name is never emptied
        self.assertEqual(normalize.company_name_key("Acme Day Spa"), "acmedayspa")
        self.assertEqual(normalize.company_name_key("Limited"), "limited")
        self.assertEqual(normalize.company_name_key(""), "")
        self.assertEqual(normalize.company_name_key(False), "")

    def test_phone_keys_with_prefixes(self):
        self.assertSameKey(
            normalize.phone_key,
            [
                "+48 600 100 200",
                "0048600100200",
                "600100200",
                "600-100-200",
                "(+48) 600 100 200",
                "48 600 100 200",
            ],
            "48600100200",
            "PL",
        )
        # the country of a national number is the customer's one
        self.assertEqual(normalize.phone_key("600100200", "CN"), "86600100200")
        self.assertEqual(normalize.phone_key("138 0013 8000", "CN"), "8613800138000")
        self.assertEqual(normalize.phone_key("+86 138-0013-8000"), "8613800138000")
        # trunk prefixes, written alone or after the calling code
        self.assertSameKey(
            normalize.phone_key,
            ["020 7946 0000", "+44 (0)20 7946 0000", "+44 020 7946 0000", "0044 20 7946 0000"],
            "442079460000",
            "GB",
        )
        self.assertEqual(normalize.phone_key("8 (495) 123-45-67", "RU"), "74951234567")
        self.assertEqual(normalize.phone_key("(212) 555-0100", "US"), "12125550100")
        self.assertEqual(normalize.phone_key("011 48 600 100 200", "US"), "48600100200")
        # Italy keeps its 0 in international numbers
        self.assertEqual(normalize.phone_key("06 1234 5678", "IT"), "390612345678")
        self.assertEqual(normalize.phone_key("+39 06 1234 5678"), "390612345678")
        # extensions, full-width digits, too short numbers
        self.assertEqual(normalize.phone_key("+48 22 100 20 30 wew. 12"), "48221002030")
        self.assertEqual(normalize.phone_key("６００１００２００", "PL"), "48600100200")
        self.assertEqual(normalize.phone_key("123", "PL"), "")
        self.assertEqual(normalize.phone_key(False, "PL"), "")

    def test_calling_codes_are_a_prefix_code(self):
        codes = list(normalize._CALLING_CODES)
        self.assertFalse([(a, b) for a in codes for b in codes if a != b and b.startswith(a)])
        self.assertEqual(normalize.split_calling_code("48600100200"), ("48", "600100200"))
        self.assertEqual(normalize.split_calling_code("8613800138000"), ("86", "13800138000"))
        self.assertEqual(normalize.CALLING_CODE_BY_COUNTRY["PL"], "48")

    def test_email_keys(self):
        self.assertSameKey(
            normalize.email_key,
            ["  Info@ACME.com ", "ACME Sales <info@acme.com>", "INFO@acme.COM", "ｉｎｆｏ＠ａｃｍｅ．ｃｏｍ"],
            "info@acme.com",
        )
        self.assertEqual(normalize.email_key("no address here"), "")

    def test_vat_keys(self):
        self.assertSameKey(
            normalize.vat_key,
            ["PL 526-104-08-28", "pl5261040828", "5261040828", "PL PL5261040828", "ＰＬ５２６１０４０８２８"],
            "5261040828",
        )
        self.assertEqual(normalize.vat_key("EL123456789"), "123456789")
        self.assertEqual(normalize.vat_key("CHE-123.456.789 MWST"), normalize.vat_key("CHE123456789"))
        # a Chinese unified social credit code has no country prefix
        self.assertEqual(normalize.vat_key("91110000710935732K"), "91110000710935732K")
        for nothing in ("N/A", "/", "none", "", False):
            self.assertEqual(normalize.vat_key(nothing), "")

    def test_query_keys(self):
        self.assertEqual(normalize.query_keys("ACME Ltd", "PL"), {"name": "acme"})
        self.assertEqual(normalize.query_keys(" Info@Acme.pl ", "PL"), {"email": "info@acme.pl"})
        self.assertEqual(normalize.query_keys("600 100 200", "PL")["phone"], "48600100200")
        self.assertEqual(normalize.query_keys("PL5261040828", "PL")["vat"], "5261040828")
        self.assertEqual(normalize.query_keys("   ", "PL"), {})
