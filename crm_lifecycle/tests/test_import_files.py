import datetime
import io
import struct
import zipfile
from xml.etree.ElementTree import fromstring

import openpyxl
from xlrd.compdoc import CompDoc

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import LazyGettext

from odoo.addons.crm_lifecycle.utils import import_headers, spreadsheet

from . import spreadsheet_samples as samples

ENGLISH_HEADER = ["Company Name", "Contact Person", "Phone", "Email", "VAT", "Country"]
ACME = ["ACME Sp. z o.o.", "Anna Nowak", "+48 600 100 200", "anna@acme.example", "PL5261040828", "PL"]
BETA = ["Beta Ltd", "John Smith", "+44 20 7946 0000", "john@beta.example", "GB123456789", "GB"]


@tagged("post_install", "-at_install")
class TestImportFiles(TransactionCase):
    """Reading customer spreadsheets (utils/spreadsheet.py) and recognising their headers."""

    def open(self, content, filename):
        table = spreadsheet.open_table(content, filename)
        self.addCleanup(table.close)
        return table

    def assertRefused(self, content, filename, *fragments):
        """The file is refused with a translated message holding every fragment."""
        with self.assertRaises(spreadsheet.SpreadsheetError) as caught:
            spreadsheet.open_table(content, filename)
        self.assertIsInstance(caught.exception, UserError)
        self.assertIsInstance(caught.exception.args[0], LazyGettext, "the message is translated when shown")
        message = self.env._(caught.exception.args[0])
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    def targets(self, table):
        return [import_headers.match_header(header) for header in table.headers]

    # ------------------------------------------------------------------
    # Headers
    # ------------------------------------------------------------------

    def test_header_key_ignores_case_accents_spaces_punctuation_and_width(self):
        for text in ("E-mail", " e mail ", "ＥＭＡＩＬ", "Email:", "EMAIL*"):
            self.assertEqual(import_headers.header_key(text), "email", text)
        self.assertEqual(import_headers.header_key("Źródło"), "zrodlo")
        self.assertEqual(import_headers.header_key(""), "")
        self.assertEqual(import_headers.match_header("Miejscowość"), "city")
        self.assertEqual(import_headers.match_header("miejscowosc"), "city")
        self.assertIsNone(import_headers.match_header("Favourite colour"))
        self.assertIsNone(import_headers.match_header(""))

    def test_sample_headers_are_recognised_as_their_targets(self):
        # the sample files and generated prospect lists take their headers from here
        for language, headers in import_headers.SAMPLE_HEADERS.items():
            with self.subTest(language=language):
                self.assertEqual(
                    [import_headers.match_header(header) for header in headers], list(import_headers.TARGETS)
                )

    def test_every_alias_names_one_target_and_every_label_is_an_alias(self):
        self.assertEqual(list(import_headers.TARGETS), list(import_headers.ALIASES))
        seen = {}
        for target, aliases in import_headers.ALIASES.items():
            for alias in aliases:
                key = import_headers.header_key(alias)
                self.assertTrue(key, alias)
                self.assertIn(seen.setdefault(key, target), (target,), f"{alias!r} names two targets")
                self.assertEqual(import_headers.match_header(alias), target, alias)
        labels = import_headers.target_labels(self.env)
        self.assertEqual(list(labels), list(import_headers.TARGETS))
        self.assertEqual(import_headers.target_labels(), labels, "English labels in an English environment")
        for target, label in labels.items():
            self.assertEqual(import_headers.match_header(label), target, label)

    def test_headers_in_each_language(self):
        expected = ["name", "contact_name", "phone", "mobile", "email", "vat", "street", "city", "state"]
        expected += ["country", "website", "industry", "source", "notes", "tags"]
        headers = {
            "en": ["Customer", "Contact", "Telephone", "Cell Phone", "E-mail", "Tax ID", "Address", "Town"]
            + ["Province", "Country Code", "Web Site", "Sector", "Lead Source", "Remarks", "Labels"],
            "zh_CN": [
                "客户名称",
                "联系人",
                "联系电话",
                "手机号码",
                "电子邮箱",
                "统一社会信用代码",
                "详细地址",
            ]
            + ["城市", "省份", "国家/地区", "网址", "所属行业", "客户来源", "备注", "标签"],
            "zh_TW": ["客戶名稱", "聯絡人", "電話號碼", "行動電話", "電子郵件", "統一編號", "詳細地址"]
            + ["縣市", "州", "國家", "網站", "產業", "客戶來源", "備註", "標籤"],
            "pl": ["Nazwa firmy", "Osoba kontaktowa", "Telefon", "Telefon komórkowy", "Adres e-mail", "NIP"]
            + [
                "Ulica",
                "Miejscowość",
                "Województwo",
                "Kraj",
                "Strona www",
                "Branża",
                "Źródło",
                "Uwagi",
                "Tagi",
            ],
        }
        for language, header in headers.items():
            table = self.open(samples.xlsx_file([header, ["X"] * len(header)]), f"{language}.xlsx")
            self.assertEqual(self.targets(table), expected, language)

    def test_header_found_below_a_title_and_merged_title_accepted(self):
        rows = [
            ["Prospects from the spring fair"],
            [],
            ["Exported 2025-03-01", None, "page 1"],
            ENGLISH_HEADER,
            ACME,
            [],
            BETA,
        ]
        table = self.open(samples.xlsx_file(rows, merged=("A1:F1",)), "fair.xlsx")
        self.assertEqual(table.header_index, 3)
        self.assertEqual(table.header_row, 4)
        self.assertEqual(table.headers, ENGLISH_HEADER)
        self.assertEqual(list(table.rows()), [(5, ACME), (7, BETA)], "Excel row numbers, blank rows skipped")
        self.assertEqual(table.row_count, 2)

    def test_header_with_only_a_name_column(self):
        table = self.open(samples.csv_file([["Company"], ["ACME"], ["Beta"]]), "names.csv")
        self.assertEqual(self.targets(table), ["name"])
        self.assertEqual([cells for _number, cells in table.rows()], [["ACME"], ["Beta"]])
        self.assertRefused(
            samples.csv_file([["Phone"], ["600100200"]]),
            "phones.csv",
            "No header row was recognised",
            "Company Name, Contact Person, Phone",
        )

    def test_no_header_refused_with_the_expected_headers(self):
        rows = [["Firm", "Tel. number", "Mail address"], ACME, BETA]
        message = self.assertRefused(samples.xlsx_file(rows), "x.xlsx", "first 20 rows", "“Customers”")
        for label in ("Company Name", "Email", "VAT", "Tags"):
            self.assertIn(label, message)

    def test_header_after_twenty_rows_not_found(self):
        rows = [[f"Note {index}"] for index in range(20)] + [ENGLISH_HEADER, ACME]
        self.assertRefused(samples.xlsx_file(rows), "late.xlsx", "No header row was recognised")
        table = self.open(samples.xlsx_file(rows[1:]), "in_time.xlsx")
        self.assertEqual(table.header_row, 20)

    def test_columns_without_header_are_kept_and_rows_have_one_cell_per_column(self):
        rows = [["Name", "Phone"], ["ACME", "600100200", "extra"], ["Beta"]]
        table = self.open(samples.xlsx_file(rows), "w.xlsx")
        self.assertEqual(table.headers, ["Name", "Phone", ""])
        self.assertEqual(list(table.rows()), [(2, ["ACME", "600100200", "extra"]), (3, ["Beta", "", ""])])

    # ------------------------------------------------------------------
    # Formats
    # ------------------------------------------------------------------

    def test_xlsx_numbers_dates_and_booleans_as_text(self):
        header = ["Company", "Phone", "VAT", "Notes", "Tags", "Source", "Industry"]
        rows = [
            header,
            ["  ACME  ", 48600100200, 5261040828, datetime.date(2025, 3, 14), True, 12.5, 0.1 + 0.2],
            ["Beta", 48600100200.0, 5261040828.0, datetime.datetime(2025, 3, 14, 9, 30), False, 1e20, 1.5e-7],
            ["Gamma", None, "007", datetime.datetime(2025, 3, 14), "", -3, 2.0],
        ]
        table = self.open(samples.xlsx_file(rows), "numbers.xlsx")
        self.assertEqual(
            [cells for _number, cells in table.rows()],
            [
                ["ACME", "48600100200", "5261040828", "2025-03-14", "TRUE", "12.5", "0.3"],
                ["Beta", "48600100200", "5261040828", "2025-03-14 09:30:00", "FALSE"]
                + ["100000000000000000000", "0.00000015"],
                ["Gamma", "", "007", "2025-03-14", "", "-3", "2"],
            ],
        )

    def test_cell_text(self):
        cases = [
            (None, ""),
            ("  a b \n", "a b"),
            (True, "TRUE"),
            (0, "0"),
            (48600100200, "48600100200"),
            (4.86001002e10, "48600100200"),
            (1234.5600, "1234.56"),
            (-0.25, "-0.25"),
            (datetime.date(2024, 2, 29), "2024-02-29"),
            (datetime.datetime(2024, 2, 29, 0, 0), "2024-02-29"),
            (datetime.datetime(2024, 2, 29, 23, 59, 58, 999), "2024-02-29 23:59:58"),
            (datetime.time(8, 15), "08:15:00"),
        ]
        for value, expected in cases:
            self.assertEqual(spreadsheet.cell_text(value), expected, repr(value))

    def test_xlsx_formula_with_saved_value_is_read_as_its_value(self):
        rows = [["Company", "Phone", "Notes"], ["ACME", 600100200, "=B2*2"], ["Beta", 1, '=A3&" Ltd"']]
        content = samples.xlsx_with_values(
            samples.xlsx_file(rows), {"C2": "1200200400", "C3": ("str", "Beta Ltd")}
        )
        table = self.open(content, "formulas.xlsx")
        self.assertEqual([cells[2] for _number, cells in table.rows()], ["1200200400", "Beta Ltd"])

    def test_xlsx_formula_without_value_refused_naming_the_cell(self):
        rows = [["Company", "Phone", "Notes"], ["ACME", 1, "ok"], [], ["Beta", 2, "=B4*2"]]
        self.assertRefused(samples.xlsx_file(rows), "f.xlsx", "Cell C4 ", "formula", "Paste Special > Values")
        # a formula above the header row does not matter
        rows = [["=TODAY()"], ["Company", "Phone"], ["ACME", 1]]
        self.assertEqual(self.open(samples.xlsx_file(rows), "title.xlsx").header_row, 2)

    def test_xlsx_merged_cells_in_the_data_refused_naming_the_range(self):
        rows = [
            ["Company", "Phone", "City"],
            ["ACME", 1, "Warszawa"],
            ["Beta", 2, "Kraków"],
            ["Gamma", 3, None],
        ]
        self.assertRefused(
            samples.xlsx_file(rows, merged=("C3:C4",)), "m.xlsx", "Cells C3:C4 ", "“Customers”", "unmerge"
        )
        self.assertRefused(samples.xlsx_file(rows, merged=("A1:B1",)), "m.xlsx", "Cells A1:B1 ", "unmerge")

    def test_xlsx_data_away_from_the_first_row_and_column(self):
        """Row numbers and columns as Excel shows them when the sheet starts at C3."""
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Customers"
        for row, values in ((3, ["Company", "Phone"]), (4, ["ACME", 48600100200]), (7, ["Beta", None])):
            for column, value in enumerate(values, start=3):
                sheet.cell(row=row, column=column, value=value)
        output = io.BytesIO()
        workbook.save(output)
        table = self.open(output.getvalue(), "offset.xlsx")
        self.assertEqual((table.header_row, table.headers), (3, ["", "", "Company", "Phone"]))
        self.assertEqual(
            list(table.rows()), [(4, ["", "", "ACME", "48600100200"]), (7, ["", "", "Beta", ""])]
        )

    def test_xlsx_error_values_read_as_empty_cells(self):
        rows = [["Company", "Phone"], ["ACME", "=NA()"], ["Beta", 1]]
        content = samples.xlsx_with_values(samples.xlsx_file(rows), {"B2": ("e", "#N/A")})
        self.assertEqual(
            list(self.open(content, "errors.xlsx").rows()), [(2, ["ACME", ""]), (3, ["Beta", "1"])]
        )

    def test_ods_values_as_text_like_xlsx(self):
        header = ["Company", "Phone", "VAT", "Notes", "Tags", "Source", "Industry"]
        rows = [
            ["Prospects from the spring fair"],
            [],
            header,
            ["  ACME  ", 48600100200, 5261040828, datetime.date(2025, 3, 14), True, 12.5, 0.1 + 0.2],
            ["Beta", 48600100200.0, 5261040828.0, datetime.datetime(2025, 3, 14, 9, 30), False, 1e20, 1.5e-7],
            [],
            ["Gamma", None, "007", datetime.datetime(2025, 3, 14), "", -3, ("=B4*2", 2.0)],
        ]
        content = samples.ods_file(rows, merged=("A1:G1",), sheets_before=[("How to", [["Fill it"]])])
        table = self.open(content, "fair.ods")
        self.assertEqual((table.sheet_name, table.header_row, table.headers), ("Customers", 3, header))
        self.assertEqual(
            list(table.rows()),
            [
                (4, ["ACME", "48600100200", "5261040828", "2025-03-14", "TRUE", "12.5", "0.3"]),
                (
                    5,
                    ["Beta", "48600100200", "5261040828", "2025-03-14 09:30:00", "FALSE"]
                    + ["100000000000000000000", "0.00000015"],
                ),
                (7, ["Gamma", "", "007", "2025-03-14", "", "-3", "2"]),
            ],
        )

    def test_ods_merged_cells_formulas_without_value_and_password_refused(self):
        rows = [
            ["Company", "Phone", "City"],
            ["ACME", 1, "Warszawa"],
            ["Beta", 2, "Kraków"],
            ["Gamma", 3, None],
        ]
        self.assertRefused(samples.ods_file(rows, merged=("C3:C4",)), "m.ods", "Cells C3:C4 ", "unmerge")
        self.assertRefused(samples.ods_file(rows, merged=("A1:B1",)), "m.ods", "Cells A1:B1 ", "unmerge")
        rows[3][2] = ("=C2", None)
        self.assertRefused(samples.ods_file(rows), "f.ods", "Cell C4 ", "formula", "Paste Special > Values")
        # above the header row, neither matters
        above = [[("=TODAY()", None)], ["Spring fair"], ["Company", "Phone"], ["ACME", 1]]
        self.assertEqual(self.open(samples.ods_file(above, merged=("A2:B2",)), "t.ods").header_row, 3)
        self.assertRefused(
            samples.ods_file(rows[:3], encrypted=True), "secret.ods", "protected by a password"
        )

    def test_xls_with_chinese_headers_numbers_and_dates(self):
        rows = [
            ["客户名单"],
            ["公司名称", "联系人", "电话", "手机", "税号", "省份", "国家", "备注"],
            ["上海明德贸易有限公司", "王芳", 2162880000, 13812345678, 310115700012345, "上海市", "CN"]
            + [datetime.date(2025, 4, 1)],
            [
                "杭州云帆科技有限公司",
                "李强",
                "0571-8888 6666",
                13900001111.0,
                "91330100MA2B12345X",
                "浙江省",
                "CN",
            ]
            + [datetime.datetime(2025, 4, 2, 14, 5)],
        ]
        table = self.open(samples.xls_file(rows, merged=[(0, 0, 0, 7)]), "客户.xls")
        self.assertEqual(table.sheet_name, "客户")
        self.assertEqual(table.header_row, 2)
        self.assertEqual(
            self.targets(table),
            ["name", "contact_name", "phone", "mobile", "vat", "state", "country", "notes"],
        )
        self.assertEqual(
            list(table.rows()),
            [
                (
                    3,
                    [
                        "上海明德贸易有限公司",
                        "王芳",
                        "2162880000",
                        "13812345678",
                        "310115700012345",
                        "上海市",
                        "CN",
                    ]
                    + ["2025-04-01"],
                ),
                (
                    4,
                    ["杭州云帆科技有限公司", "李强", "0571-8888 6666", "13900001111", "91330100MA2B12345X"]
                    + ["浙江省", "CN", "2025-04-02 14:05:00"],
                ),
            ],
        )

    def test_xls_merged_cells_refused(self):
        rows = [["Company", "Phone"], ["ACME", 1], ["Beta", ""], ["", 3]]
        self.assertRefused(samples.xls_file(rows, merged=[(2, 3, 1, 1)]), "m.xls", "Cells B3:B4 ", "unmerge")

    def test_extension_and_content_disagree(self):
        rows = [ENGLISH_HEADER, ACME]
        self.assertEqual(self.open(samples.xlsx_file(rows), "really_xlsx.xls").headers, ENGLISH_HEADER)
        self.assertEqual(self.open(samples.xls_file(rows), "really_xls.xlsx").headers, ENGLISH_HEADER)
        self.assertEqual(self.open(samples.xlsx_file(rows), "macro.XLSM").headers, ENGLISH_HEADER)
        self.assertEqual(self.open(samples.ods_file(rows), "really_ods.xlsx").headers, ENGLISH_HEADER)
        self.assertEqual(self.open(samples.xlsx_file(rows), "really_xlsx.ods").headers, ENGLISH_HEADER)

    def test_csv_encodings_and_delimiters(self):
        polish = [
            ["Nazwa firmy", "Telefon", "Miejscowość"],
            ["Łódzkie Zakłady Sp. z o.o.", "42 111 22 33", "Łódź"],
        ]
        chinese = [["公司名称", "电话", "城市"], ["深圳智联科技有限公司", "0755-8663 0202", "深圳"]]
        cases = [
            (polish, ",", "utf-8"),
            (polish, ";", "utf-8-sig"),
            (polish, "\t", "cp1250"),
            (polish, ";", "utf-16"),
            (chinese, ";", "gb18030"),
            (chinese, ",", "utf-8-sig"),
            (chinese, "\t", "utf-8"),
        ]
        for rows, delimiter, encoding in cases:
            content = samples.csv_file(rows, delimiter=delimiter, encoding=encoding)
            table = self.open(content, "customers.csv")
            self.assertEqual(table.headers, rows[0], (delimiter, encoding))
            self.assertEqual(list(table.rows()), [(2, rows[1])], (delimiter, encoding))

    def test_csv_commas_inside_quoted_values_and_semicolons(self):
        content = b'Company;Phone;Notes\r\n"ACME, Inc.";600100200;"a; b"\r\n\r\nBeta;1;"two\nlines"\r\n'
        table = self.open(content, "q.csv")
        self.assertEqual(table.headers, ["Company", "Phone", "Notes"])
        self.assertEqual(
            list(table.rows()), [(2, ["ACME, Inc.", "600100200", "a; b"]), (4, ["Beta", "1", "two\nlines"])]
        )

    def test_csv_excel_separator_line(self):
        """Excel's "sep=;" line chooses the delimiter and is not a row (Excel does not show it)."""
        content = "sep=;\r\nCompany;Phone\r\nACME, Inc.;600100200\r\n".encode("cp1250")
        table = self.open(content, "excel.csv")
        self.assertEqual(table.headers, ["Company", "Phone"])
        self.assertEqual(list(table.rows()), [(2, ["ACME, Inc.", "600100200"])])

    def test_first_visible_sheet_with_a_header_is_read(self):
        content = samples.xlsx_file(
            [ENGLISH_HEADER, BETA],
            title="Data",
            sheets_before=[("How to", [["Fill the Data sheet"]]), ("Empty", [])],
            hidden_sheets=[("Old", [ENGLISH_HEADER, ACME])],
        )
        table = self.open(content, "book.xlsx")
        self.assertEqual(table.sheet_name, "Data")
        self.assertEqual(list(table.rows()), [(2, BETA)])

    def test_rows_are_streamed(self):
        rows = [ENGLISH_HEADER] + [[f"Company {index}", "", 48600000000 + index] for index in range(3000)]
        table = self.open(samples.xlsx_file(rows), "big.xlsx")
        iterator = table.rows()
        self.assertIs(iter(iterator), iterator, "rows() is a lazy iterator")
        self.assertEqual(next(iterator), (2, ["Company 0", "", "48600000000", "", "", ""]))
        self.assertEqual(table.row_count, 3000)
        *_rest, last = iterator
        self.assertEqual(last, (3001, ["Company 2999", "", "48600002999", "", "", ""]))
        self.assertEqual(sum(1 for _row in table.rows()), 3000, "each call reads the sheet again")

    # ------------------------------------------------------------------
    # Broken files
    # ------------------------------------------------------------------

    def test_size_limit_checked_before_parsing(self):
        spreadsheet.check_size(spreadsheet.MAX_FILE_SIZE - 1, "big.xlsx")
        with self.assertRaises(spreadsheet.SpreadsheetError) as caught:
            spreadsheet.check_size(spreadsheet.MAX_FILE_SIZE, "big.xlsx")
        self.assertIn("100 MB", self.env._(caught.exception.args[0]))
        # 100 MB of zeros: refused for its size, never read as a (corrupted) workbook
        self.assertRefused(
            bytes(spreadsheet.MAX_FILE_SIZE), "huge.xlsx", "“huge.xlsx” is 100.0 MB", "Split it"
        )

    def test_zip_bomb_refused_on_its_declared_size(self):
        content = bytearray(samples.xlsx_file([ENGLISH_HEADER, ACME]))
        # declare 3.75 GB for the sheet in the zip's central directory (4-byte size at offset 24)
        entry = content.find(b"PK\x01\x02")
        while entry >= 0:
            (name_size,) = struct.unpack_from("<H", content, entry + 28)
            if content[entry + 46 : entry + 46 + name_size] == b"xl/worksheets/sheet1.xml":
                struct.pack_into("<I", content, entry + 24, 0xF0000000)
            entry = content.find(b"PK\x01\x02", entry + 4)
        self.assertRefused(bytes(content), "bomb.xlsx", "unpacks to 3.8 GB", "Split it")

    def test_unsupported_extension(self):
        content = samples.xlsx_file([ENGLISH_HEADER, ACME])
        for filename in ("customers.numbers", "customers.pdf", "customers", "customers.xlsx.txt"):
            self.assertRefused(content, filename, "is not a spreadsheet the import reads", ".xlsx", ".ods")

    def test_corrupted_files(self):
        good = samples.xlsx_file([ENGLISH_HEADER, ACME, BETA])
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as other_zip:
            other_zip.writestr("word/document.xml", "<document/>")
        broken_sheet = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(broken_sheet, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data[: len(data) // 2]
                target.writestr(item, data)
        cases = [
            (b"", "empty.xlsx"),
            (b"\x00\x01garbage" * 100, "garbage.xlsx"),
            (good[: len(good) // 2], "truncated.xlsx"),
            (archive.getvalue(), "document.xlsx"),
            (broken_sheet.getvalue(), "broken_sheet.xlsx"),
            (b"<html><table><tr><td>Company</td></tr></table></html>", "export.xls"),
            (samples.xls_file([ENGLISH_HEADER, ACME])[:700], "truncated.xls"),
            (samples.ods_file([ENGLISH_HEADER, ACME, BETA] * 20)[:1000], "truncated.ods"),
            (samples.compound_file({"WordDocument": b"x" * 5000}), "letter.xls"),
            (b"\x00\x00\x00" * 10, "nul.csv"),
        ]
        for content, filename in cases:
            self.assertRefused(content, filename, f"“{filename}” cannot be read", "save it again")

    def test_password_protected_xlsx(self):
        content = samples.encrypted_xlsx_file()
        # a genuine compound file, as another reader sees it
        document = CompDoc(content, logfile=io.StringIO())
        self.assertEqual(
            [node.name for node in document.dirlist if node.name],
            ["Root Entry", "EncryptionInfo", "EncryptedPackage"],
        )
        self.assertEqual(len(document.get_named_stream("EncryptedPackage")), 6008)
        self.assertEqual(document.get_named_stream("EncryptionInfo")[:4], b"\x04\x00\x04\x00")
        for filename in ("secret.xlsx", "secret.xls", "secret.csv"):
            self.assertRefused(content, filename, "protected by a password", "remove the password")

    def test_password_protected_xls(self):
        self.assertRefused(
            samples.encrypted_xls_file([ENGLISH_HEADER, ACME]), "secret.xls", "protected by a password"
        )

    def test_compound_file_writer_holds_a_readable_workbook(self):
        """The same writer, with an unencrypted workbook stream, gives an .xls that opens."""
        content = samples.compound_file({"Workbook": samples.xls_biff_stream([ENGLISH_HEADER, ACME, BETA])})
        document = CompDoc(content, logfile=io.StringIO())
        self.assertEqual([node.name for node in document.dirlist if node.name], ["Root Entry", "Workbook"])
        table = self.open(content, "rewritten.xls")
        self.assertEqual([cells for _number, cells in table.rows()], [ACME, BETA])

    def test_empty_sheet_refused(self):
        self.assertRefused(
            samples.xlsx_file([]), "empty.xlsx", "The sheet “Customers” of the file", "is empty"
        )
        self.assertRefused(samples.xlsx_file([[None, ""], []]), "blank.xlsx", "is empty")
        self.assertRefused(samples.xls_file([]), "empty.xls", "“客户”", "is empty")
        self.assertRefused(b"\r\n;;\r\n", "empty.csv", "is empty")

    def test_header_without_data_refused(self):
        for content, filename in (
            (samples.xlsx_file([["Customer list"], ENGLISH_HEADER, [None, ""]]), "only_header.xlsx"),
            (samples.xls_file([ENGLISH_HEADER]), "only_header.xls"),
            (samples.csv_file([ENGLISH_HEADER, []]), "only_header.csv"),
        ):
            self.assertRefused(content, filename, "has a header row (row ", "but no customer below it")
        message = self.assertRefused(samples.xlsx_file([["Title"], ENGLISH_HEADER]), "h.xlsx", "(row 2)")
        self.assertIn("“Customers”", message)

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------

    def test_error_report_keeps_digits_and_text(self):
        headers = ["Company", "Phone", "VAT"]
        rows = [
            (3, ["ACME", "0048600100200", "5261040828"], "Invalid email"),
            (7, ['=HYPERLINK("http://evil")', "1e5", "\x07bell"], "Same phone as row 3"),
            (9, ["Short"], "Missing name"),
        ]
        content = spreadsheet.write_report(headers, rows, "Error", row_header="Row")
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual([cell.value for cell in sheet[1]], ["Company", "Phone", "VAT", "Row", "Error"])
        self.assertEqual(sheet["B2"].value, "0048600100200")
        self.assertEqual(sheet["B2"].data_type, "s", "long digits are written as text")
        self.assertEqual(sheet["C2"].number_format, "@")
        self.assertEqual(sheet["A3"].data_type, "s", "a text starting with = is not a formula")
        self.assertEqual(sheet["C3"].value, "bell")
        self.assertEqual(sheet["D4"].value, 9)
        self.assertEqual([cell.value for cell in sheet[4]][:3], ["Short", None, None])
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet["A1"].font.bold)
        # read back by the import itself
        table = self.open(content, "errors.xlsx")
        self.assertEqual(
            list(table.rows())[0], (2, ["ACME", "0048600100200", "5261040828", "3", "Invalid email"])
        )

    def test_error_report_labels_are_translatable(self):
        self.assertEqual(self.env._(spreadsheet.REPORT_ROW_HEADER), "Row")
        self.assertEqual(self.env._(spreadsheet.REPORT_ERROR_HEADER), "Error")

    def test_template(self):
        headers = list(import_headers.target_labels(self.env).values())
        content = spreadsheet.write_template(headers)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual([cell.value for cell in sheet[1]], headers)
        self.assertTrue(all(cell.font.bold for cell in sheet[1]))
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.max_row, 2)
        table = self.open(content, "template.xlsx")
        self.assertEqual(self.targets(table), list(import_headers.TARGETS))
        [(row_number, example)] = list(table.rows())
        self.assertEqual(row_number, 2)
        self.assertEqual(
            dict(zip(import_headers.TARGETS, example, strict=True)), spreadsheet.TEMPLATE_EXAMPLE
        )
        # headers in another language and unknown headers
        content = spreadsheet.write_template(["公司名称", "电话", "Favourite colour"])
        table = self.open(content, "模板.xlsx")
        self.assertEqual(list(table.rows()), [(2, ["Example Trading Sp. z o.o.", "+48 22 100 20 30", ""])])

    def test_sheet_xml_with_prefixes_and_shared_strings(self):
        """A workbook written by another tool: prefixed XML, shared strings, no row/cell references."""
        content = _handmade_xlsx()
        table = self.open(content, "handmade.xlsx")
        self.assertEqual(table.sheet_name, "Kunden")
        self.assertEqual(table.headers, ["Company", "Phone", "Founded"])
        self.assertEqual(list(table.rows()), [(2, ["Müller GmbH", "4930123456", "2002-05-07"])])


def _handmade_xlsx():
    """A minimal .xlsx as some exporters write it: namespace prefix "x", shared strings with a
    phonetic run, a date style, the 1904 date system and cells without "r" attributes.

    The parts are where Excel puts them (calamine looks for the workbook at
    ``xl/workbook.xml``), and a run with spaces around it says to keep them, as Excel
    writes it."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" Target="/xl/workbook.xml" '
            f'Type="{relations}/officeDocument"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<x:workbook xmlns:x="{main}" xmlns:r="{relations}"><x:workbookPr date1904="1"/>'
            '<x:sheets><x:sheet name="Kunden" sheetId="1" r:id="s1"/></x:sheets></x:workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}">'
            f'<Relationship Id="s1" Target="sheets/one.xml" Type="{relations}/worksheet"/>'
            f'<Relationship Id="s2" Target="sharedStrings.xml" Type="{relations}/sharedStrings"/>'
            f'<Relationship Id="s3" Target="styles.xml" Type="{relations}/styles"/></Relationships>'
        ),
        "xl/sharedStrings.xml": (
            f'<x:sst xmlns:x="{main}"><x:si><x:t>Company</x:t></x:si><x:si><x:t>Phone</x:t></x:si>'
            "<x:si><x:t>Founded</x:t></x:si>"
            '<x:si><x:r><x:t>Müller</x:t></x:r><x:r><x:t xml:space="preserve"> GmbH </x:t></x:r>'
            "<x:rPh><x:t>ミュラー</x:t></x:rPh></x:si>"
            "</x:sst>"
        ),
        "xl/styles.xml": (
            f'<x:styleSheet xmlns:x="{main}"><x:numFmts><x:numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
            '</x:numFmts><x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="164"/></x:cellXfs></x:styleSheet>'
        ),
        "xl/sheets/one.xml": (
            f'<x:worksheet xmlns:x="{main}"><x:sheetData>'
            '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c>'
            '<x:c t="s"><x:v>2</x:v></x:c></x:row>'
            '<x:row><x:c t="s"><x:v>3</x:v></x:c><x:c><x:v>4930123456</x:v></x:c>'
            '<x:c s="1"><x:v>35921</x:v></x:c>'
            "</x:row></x:sheetData></x:worksheet>"
        ),
    }
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, xml in parts.items():
            fromstring(xml)  # well-formed
            archive.writestr(name, xml)
    return output.getvalue()
