import base64
import datetime
import io
import json
import zlib

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..utils import import_headers
from ..wizards.crm_customer_import import TARGET_SELECTION, _decompressed_lines
from . import spreadsheet_samples as samples
from .common_pool import PoolCase

ENGLISH = ["Company", "Contact Person", "Phone", "Email", "Country", "Tags"]
SIMPLIFIED = ["公司名称", "联系人", "电话", "邮箱", "国家", "标签"]
TRADITIONAL = ["公司名稱", "聯絡人", "電話", "電子郵件", "國家", "標籤"]
POLISH = ["Nazwa firmy", "Osoba kontaktowa", "Telefon", "Adres e-mail", "Kraj", "Tagi"]


@tagged("post_install", "-at_install")
class TestCustomerImport(PoolCase):
    """The import wizard as salespeople and managers use it: upload, preview, import."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.south_pool = cls.env["crm.pool"].create(
            {"name": "South Team Pool", "team_ids": [Command.set(cls.other_team.ids)], "max_owned": 0}
        )
        cls.Import = cls.env["crm.customer.import"]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def rows(self, header=None, prefix="Imported", series=1):
        """The header and five rows: three good ones, an invalid email and a missing name.
        Each ``series`` has its own phones and emails."""
        mail = prefix.lower()
        return [
            header or ENGLISH,
            [
                f"{prefix} Alpha Trading Ltd",
                "Anna Alpha",
                f"+48 600 1{series}0 201",
                f"anna@{mail}-alpha.example",
                "PL",
                "fair",
            ],
            [
                f"{prefix} Bravo Sp. z o.o.",
                "Bob Bravo",
                f"+48 600 1{series}0 202",
                f"bob@{mail}.example",
                "PL",
                "",
            ],
            [f"{prefix} Charlie GmbH", "", f"+49 30 123{series}567", "", "DE", "fair, vip"],
            [f"{prefix} Delta Inc", "", "", "not-an-email", "US", ""],
            ["", "Nobody", f"+48 600 1{series}0 205", "", "PL", ""],
        ]

    def new_import(self, user, content, filename, **values):
        return self.Import.with_user(user).create(
            dict(
                {"file": base64.b64encode(content), "filename": filename, "pool_id": self.pool.id},
                **values,
            )
        )

    def partners(self, prefix="Imported"):
        return self.env["res.partner"].search([("name", "=like", f"{prefix} %"), ("parent_id", "=", False)])

    def report_rows(self, record):
        """The rows of the error report, as the importer downloads it."""
        record.action_download_errors()
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(record.error_file)), read_only=True)
        rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        workbook.close()
        return rows

    def assertImported(self, record, created, skipped):
        self.assertEqual(record.state, "done")
        self.assertEqual((record.created_count, record.skipped_count), (created, skipped))
        self.assertEqual(record.progress, 100.0)
        self.assertTrue(record.date_done)

    # ------------------------------------------------------------------
    # Preview and import
    # ------------------------------------------------------------------
    def test_preview_writes_nothing_and_shows_rows_and_reasons(self):
        record = self.new_import(self.salesperson, samples.xlsx_file(self.rows()), "fair.xlsx")
        partner_count = self.env["res.partner"].search_count([])
        event_count = self.env["crm.partner.event"].search_count([])
        tag_count = self.env["res.partner.category"].search_count([])

        record.action_preview()

        self.assertEqual(record.state, "preview")
        self.assertEqual((record.sheet_name, record.header_row), ("Customers", 1))
        self.assertEqual((record.row_count, record.valid_count, record.skipped_count), (5, 3, 2))
        self.assertEqual(
            record.column_ids.sorted("index").mapped("target"),
            ["name", "contact_name", "phone", "email", "country", "tags"],
        )
        self.assertEqual(record.column_ids.sorted("index").mapped("letter"), ["A", "B", "C", "D", "E", "F"])
        phone = record.column_ids.filtered(lambda column: column.target == "phone")
        self.assertEqual(phone.sample, "+48 600 110 201 | +48 600 110 202 | +49 30 1231567")
        html = str(record.preview_html)
        self.assertIn("3 rows will be imported, 2 rows will be skipped.", html)
        for text in ("Imported Alpha Trading Ltd", "Imported Charlie GmbH", "Contact Person", "not-an-email"):
            self.assertIn(text, html)
        self.assertIn("<td>6</td>", html, "the skipped row shows its spreadsheet row number")
        self.assertIn("The company name is missing.", html)
        # nothing written but the import itself
        self.assertEqual(self.env["res.partner"].search_count([]), partner_count)
        self.assertEqual(self.env["crm.partner.event"].search_count([]), event_count)
        self.assertEqual(self.env["res.partner.category"].search_count([]), tag_count)
        self.assertFalse(self.partners())

    def test_preview_shows_the_markup_of_cells_as_text_and_stores_no_html(self):
        script = "<script>alert(1)</script> Script Ltd"
        image = "<img src=x onerror=alert(1)>"
        rows = [
            ENGLISH,
            [script, image, "", "", "PL", ""],
            ["<b>Bold</b> Trading", "", "", "<img src=y onerror=alert(2)>", "PL", ""],  # bad email
        ]
        record = self.new_import(self.salesperson, samples.xlsx_file(rows), "markup.xlsx")
        record.action_preview()
        self.assertEqual((record.valid_count, record.skipped_count), (1, 1))
        html = str(record.preview_html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; Script Ltd", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)
        self.assertIn("&lt;b&gt;Bold&lt;/b&gt; Trading", html)
        for tag in ("<script", "<img", "<b>"):
            self.assertNotIn(tag, html)
        self.assertIn('<table class="table table-sm table-striped o_crm_import_valid">', html)
        # no HTML is stored: the preview is rendered, escaped, from plain texts when it is read
        self.assertFalse(record._fields["preview_html"].store)
        self.assertFalse(
            [name for name, field in record._fields.items() if field.type == "html" and field.store]
        )
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'crm_customer_import' AND column_name = 'preview_html'"
        )
        self.assertFalse(self.env.cr.fetchall())
        self.assertEqual(record.preview_data["valid"][0][1][:2], [script, image])
        # the customer is created with its name as typed, a text like any other
        record.action_import()
        self.assertEqual(record.created_count, 1)
        self.assertEqual(self.env["res.partner"].search([("name", "=", script)]).child_ids.name, image)
        # preview data written by hand (through RPC) shows as text too
        record.write(
            {"preview_data": {"targets": ["name"], "valid": [[2, ["<script>x()</script>"], "<i>n</i>"]]}}
        )
        html = str(record.preview_html)
        self.assertIn("&lt;script&gt;x()&lt;/script&gt;", html)
        self.assertIn("&lt;i&gt;n&lt;/i&gt;", html)
        self.assertNotIn("<script", html)

    def test_import_creates_customers_events_and_error_report(self):
        record = self.new_import(self.salesperson, samples.xlsx_file(self.rows()), "fair.xlsx")
        record.action_preview()
        record.action_import()

        self.assertImported(record, 3, 2)
        partners = self.partners()
        self.assertEqual(
            sorted(partners.mapped("name")),
            ["Imported Alpha Trading Ltd", "Imported Bravo Sp. z o.o.", "Imported Charlie GmbH"],
        )
        for partner in partners:
            self.assertEqual(partner.lifecycle_stage_id, self.stages["pool"])
            self.assertEqual((partner.crm_pool_state, partner.crm_pool_id), ("pool", self.pool))
            self.assertFalse(partner.user_id)
            self.assertTrue(partner.is_company)
        alpha = partners.filtered(lambda partner: partner.name.endswith("Alpha Trading Ltd"))
        self.assertEqual(alpha.email, "anna@imported-alpha.example")
        self.assertEqual(alpha.country_id.code, "PL")
        self.assertEqual(alpha.child_ids.name, "Anna Alpha")
        self.assertEqual(alpha.category_id.mapped("name"), ["fair"])
        events = self.events(partners, "import")
        self.assertEqual(len(events), 3)
        self.assertEqual(set(events.mapped("trigger")), {"import"})
        self.assertTrue(all("fair.xlsx" in event.reason for event in events))
        self.assertEqual(set(events.mapped("user_id")), {self.salesperson})
        # the salesperson finds the new customers in the pool, and from the import
        self.assertEqual(
            self.env["res.partner"].with_user(self.salesperson).search([("id", "in", partners.ids)]), partners
        )
        self.assertEqual(set(events.mapped("document_name")), {record.display_name})
        self.assertEqual(record.partner_count, 3)
        opened = record.action_open_customers()
        visible = self.env["res.partner"].with_user(self.salesperson).search(opened["domain"])
        self.assertEqual(visible, partners)

        # the skipped rows, listed on the import with their reasons
        self.assertEqual(record.error_ids.mapped("row_number"), [5, 6])
        self.assertIn("not a valid email address", record.error_ids[0].reason)
        # the error report, made when first downloaded: original columns, the row number and the
        # reason of each skipped row
        self.assertFalse(record.error_file)
        action = record.action_download_errors()
        self.assertEqual(record.error_filename, "fair - errors.xlsx")
        rows = self.report_rows(record)
        self.assertEqual(rows[0], ENGLISH + ["Row", "Error"])
        self.assertEqual(len(rows), 3)
        self.assertEqual(
            [value or "" for value in rows[1][:6]], ["Imported Delta Inc", "", "", "not-an-email", "US", ""]
        )
        self.assertEqual(rows[1][6], 5)
        self.assertIn("not a valid email address", rows[1][7])
        self.assertEqual(rows[2][6], 6)
        self.assertIn("The company name is missing.", rows[2][7])
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(
            action["url"],
            f"/web/content/crm.customer.import/{record.id}/error_file/fair - errors.xlsx?download=true",
        )
        self.assertIn("3 customers created, 2 rows skipped", record.message_ids[0].body)

    def test_rerun_of_the_same_file_creates_nothing(self):
        content = samples.xlsx_file(self.rows())
        first = self.new_import(self.salesperson, content, "fair.xlsx")
        first.action_preview()
        first.action_import()
        partners = self.partners()
        self.assertEqual(len(partners), 3)

        again = self.new_import(self.colleague, content, "fair.xlsx")
        again.action_preview()
        self.assertEqual((again.valid_count, again.skipped_count), (0, 5))
        again.action_import()

        self.assertImported(again, 0, 5)
        self.assertEqual(self.partners(), partners)
        self.assertEqual(len(self.events(partners, "import")), 3)
        reasons = [row[7] for row in self.report_rows(again)[1:]]
        self.assertEqual(len(reasons), 5)
        self.assertTrue(any("Imported Alpha Trading Ltd" in reason for reason in reasons), reasons)

    def test_import_starts_from_the_preview_and_checks_duplicates_again(self):
        record = self.new_import(self.salesperson, samples.xlsx_file(self.rows()), "fair.xlsx")
        record.action_preview()
        self.assertTrue(record.staged_file)
        with self.assertRaises(UserError):
            record.action_download_errors()  # nothing imported yet: no report
        # the file is not read again: the import starts from the rows the preview parsed
        self.env["ir.attachment"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("res_field", "=", "file")]
        ).raw = b"no longer a spreadsheet"
        # a colleague takes one of the customers between the preview and the import
        bravo = self.make_customer(
            "Bravo Sp. z o.o. (met at the fair)", user=self.colleague, email="bob@imported.example"
        )
        record.action_import()

        self.assertImported(record, 2, 3)
        self.assertEqual(
            self.partners().mapped("name"), ["Imported Alpha Trading Ltd", "Imported Charlie GmbH"]
        )
        skipped = record.error_ids.filtered(lambda error: error.row_number == 3)
        self.assertIn(bravo.name, skipped.reason)
        # the staged rows are dropped once the import is done
        self.assertFalse(record.staged_file)

    def test_staged_rows_read_back_piece_by_piece(self):
        # the staged rows are decompressed a piece at a time: lines cut across pieces come whole
        lines = [
            json.dumps([[number, [f"Company\n{number}", "x" * number]]]).encode() for number in range(40)
        ]
        compressor = zlib.compressobj(1)
        data = b"".join(compressor.compress(line + b"\n") for line in lines) + compressor.flush()
        for size in (1, 7, 64, len(data)):
            self.assertEqual(list(_decompressed_lines(data, size=size)), lines)

    def test_formats_and_header_languages(self):
        """.xlsx, .xls, .csv and .ods, headers in English, Simplified and Traditional Chinese, Polish."""
        cases = [
            ("en", samples.xlsx_file(self.rows(ENGLISH, "Xlsx", 2)), "english.xlsx", ENGLISH),
            ("zh-Hans", samples.xls_file(self.rows(SIMPLIFIED, "Xls", 3)), "简体.xls", SIMPLIFIED),
            ("zh-Hant", samples.csv_file(self.rows(TRADITIONAL, "Csv", 4)), "繁體.csv", TRADITIONAL),
            (
                "pl",
                samples.csv_file(self.rows(POLISH, "Semicolon", 5), delimiter=";", encoding="cp1250"),
                "polski.csv",
                POLISH,
            ),
            ("pl-ods", samples.ods_file(self.rows(POLISH, "Ods", 6), title="Klienci"), "klienci.ods", POLISH),
        ]
        for language, content, filename, header in cases:
            with self.subTest(language=language):
                prefix = {
                    "en": "Xlsx",
                    "zh-Hans": "Xls",
                    "zh-Hant": "Csv",
                    "pl": "Semicolon",
                    "pl-ods": "Ods",
                }[language]
                record = self.new_import(self.salesperson, content, filename)
                record.action_preview()
                self.assertEqual(record.column_ids.sorted("index").mapped("header"), header)
                self.assertFalse(record.unmapped_count)
                self.assertEqual((record.valid_count, record.skipped_count), (3, 2))
                record.action_import()
                self.assertImported(record, 3, 2)
                partners = self.partners(prefix)
                self.assertEqual(len(partners), 3)
                self.assertEqual(set(partners.mapped("country_id.code")), {"PL", "DE"})
                self.assertIn("Anna Alpha", partners.child_ids.mapped("name"))
                self.assertEqual(self.report_rows(record)[0], header + ["Row", "Error"])

    def test_xls_numbers_keep_their_digits(self):
        content = samples.xls_file(
            [["公司名称", "电话", "税号", "国家"], ["Numeric Phones Ltd", 48600100299, 5261040828, "PL"]]
        )
        record = self.new_import(self.salesperson, content, "numbers.xls")
        record.action_preview()
        self.assertIn(
            "48600100299", record.column_ids.filtered(lambda column: column.target == "phone").sample
        )
        record.action_import()
        self.assertImported(record, 1, 0)
        partner = self.partners("Numeric")
        self.assertIn("48600100299", partner.phone.replace(" ", ""))
        self.assertEqual(partner.vat, "5261040828")

    def test_ods_numbers_and_dates_keep_their_digits(self):
        """An OpenDocument spreadsheet (LibreOffice) with phones and a tax number stored as numbers."""
        content = samples.ods_file(
            [
                ["Customer list"],
                ["Company", "Phone", "VAT", "Country", "Notes"],
                ["Ods Numbers Sp. z o.o.", 48600100277, 5261040828, "PL", datetime.date(2025, 4, 1)],
            ],
            merged=("A1:E1",),
        )
        record = self.new_import(self.salesperson, content, "liczby.ods")
        record.action_preview()
        self.assertEqual((record.header_row, record.valid_count, record.skipped_count), (2, 1, 0))
        record.action_import()
        self.assertImported(record, 1, 0)
        partner = self.partners("Ods")
        self.assertEqual(partner.user_id, self.env["res.users"], "imported into the pool")
        self.assertIn("48600100277", partner.phone.replace(" ", ""))
        self.assertEqual(partner.vat, "5261040828")
        self.assertIn("2025-04-01", partner.comment)
        self.assertIn("liczby.ods", partner.crm_event_ids.filtered(lambda e: e.event_type == "import").reason)

    # ------------------------------------------------------------------
    # Mapping
    # ------------------------------------------------------------------
    def test_unmapped_column_mapped_by_hand(self):
        header = ["Company", "Phone", "Ansprechpartner", "Internal Code"]
        content = samples.xlsx_file(
            [header, ["Handmade Mapping Ltd", "+48 600 100 301", "Hanna Hand", "X-1"]]
        )
        record = self.new_import(self.salesperson, content, "handmade.xlsx")
        record.action_preview()
        columns = record.column_ids.sorted("index")
        self.assertEqual(columns.mapped("target"), ["name", "phone", False, False])
        self.assertEqual(record.unmapped_count, 2)
        self.assertEqual(record.valid_count, 1, "the preview ignores the unmapped columns")
        with self.assertRaisesText(UserError, "C (Ansprechpartner), D (Internal Code)"):
            record.action_import()
        self.assertFalse(self.partners("Handmade"))

        # the salesperson maps one column and ignores the other in the form
        with Form(record) as form:
            with form.column_ids.edit(2) as column:
                column.target = "contact_name"
            with form.column_ids.edit(3) as column:
                column.target = "ignore"
        # the mapping changed since the preview: Import previews again before importing
        record.action_import()
        self.assertEqual(record.state, "preview")
        self.assertIn("changed since the preview", record.message_ids[0].body)
        self.assertIn("Hanna Hand", str(record.preview_html))
        record.action_import()
        self.assertImported(record, 1, 0)
        partner = self.partners("Handmade")
        self.assertEqual(partner.child_ids.name, "Hanna Hand")
        self.assertNotIn("X-1", partner.comment or "")

    def test_saved_mapping_reused_by_a_colleague(self):
        header = ["Kunde", "Nummer", "Company", "Phone"]
        rows = [header, ["Mapped Again GmbH", "+48 600 100 502", "ignored", "ignored"]]
        manual = self.new_import(self.colleague, samples.xlsx_file(rows), "kunde.xlsx")
        manual.action_preview()
        self.assertEqual(manual.column_ids.sorted("index").mapped("target"), [False, False, "name", "phone"])
        manual.column_ids.filtered(lambda column: column.header == "Kunde").target = "name"
        manual.column_ids.filtered(lambda column: column.header == "Nummer").target = "phone"
        manual.column_ids.filtered(lambda column: column.header in ("Company", "Phone")).target = "ignore"
        manual.save_mapping_name = "Kunden"
        manual.action_save_mapping()
        kunden = manual.mapping_id
        self.assertEqual(kunden.name, "Kunden")
        self.assertEqual(
            sorted(kunden.line_ids.mapped(lambda line: (line.header_key, line.target))),
            [("company", "ignore"), ("kunde", "name"), ("nummer", "phone"), ("phone", "ignore")],
        )

        # a third file with the same headers, the saved mapping chosen in the form
        with Form(self.Import.with_user(self.salesperson)) as form:
            form.file = base64.b64encode(samples.xlsx_file(rows)).decode()
            form.mapping_id = kunden
        reused = form.record
        reused.filename = "kunde2.xlsx"  # set by the upload widget
        reused.action_preview()
        self.assertEqual(
            reused.column_ids.sorted("index").mapped("target"), ["name", "phone", "ignore", "ignore"]
        )
        self.assertFalse(reused.unmapped_count)
        reused.action_import()
        self.assertImported(reused, 1, 0)
        self.assertEqual(self.partners("Mapped").phone, "+48 600 100 502")

        # salespeople share the mappings but only managers change or delete them
        reused.save_mapping_name = "Kunden"
        with self.assertRaisesText(UserError, "A mapping named Kunden already exists"):
            reused.action_save_mapping()
        with self.assertRaises(AccessError):
            kunden.with_user(self.salesperson).unlink()
        kunden.with_user(self.sales_manager).write({"name": "Kunden (DE)"})
        kunden.with_user(self.sales_manager).unlink()
        self.assertFalse(kunden.exists())

    def test_target_choices_are_the_import_targets(self):
        self.assertEqual([key for key, _label in TARGET_SELECTION], [*import_headers.TARGETS, "ignore"])

    # ------------------------------------------------------------------
    # Options
    # ------------------------------------------------------------------
    def test_unknown_country_skipped_or_left_empty(self):
        rows = [["Company", "Country"], ["Atlantis Shipping Ltd", "Atlantis"], ["Known Land Ltd", "Poland"]]
        skip = self.new_import(self.salesperson, samples.xlsx_file(rows), "atlantis.xlsx")
        skip.action_preview()
        self.assertEqual((skip.valid_count, skip.skipped_count), (1, 1))
        self.assertIn("Atlantis", str(skip.preview_html))

        empty = self.new_import(
            self.salesperson, samples.xlsx_file(rows), "atlantis.xlsx", unknown_location="empty"
        )
        empty.action_preview()
        self.assertEqual((empty.valid_count, empty.skipped_count), (2, 0))
        empty.action_import()
        self.assertImported(empty, 2, 0)
        self.assertFalse(self.partners("Atlantis").country_id)
        self.assertEqual(self.partners("Known").country_id.code, "PL")

    def test_assign_to_me_within_max_owned(self):
        self.make_customer("Already Owned Trading", user=self.salesperson)
        rows = [["Company"]] + [[f"Owned Row {letter} Ltd"] for letter in "ABCD"]
        record = self.new_import(self.salesperson, samples.xlsx_file(rows), "mine.xlsx", assign_to_me=True)
        record.action_preview()
        self.assertEqual((record.valid_count, record.skipped_count), (2, 2))
        record.action_import()
        self.assertImported(record, 2, 2)
        owned = self.partners("Owned Row")
        self.assertEqual(owned.mapped("user_id"), self.salesperson)
        self.assertEqual(set(owned.mapped("crm_pool_state")), {"owned"})
        self.assertIn("whose limit is 3", self.report_rows(record)[1][2])

    # ------------------------------------------------------------------
    # Template
    # ------------------------------------------------------------------
    def test_template_downloaded_and_imported_back(self):
        record = self.Import.with_user(self.salesperson).create({})
        action = record.action_download_template()
        self.assertEqual(
            action["url"],
            f"/web/content/crm.customer.import/{record.id}/template_file/customer_import_template.xlsx"
            "?download=true",
        )
        content = base64.b64decode(record.template_file)
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        workbook.close()
        self.assertEqual(rows[0], list(import_headers.target_labels().values()))
        self.assertEqual(len(rows), 2, "a header and an example row")

        record.write({"file": base64.b64encode(content), "filename": "template.xlsx"})
        record.action_preview()
        self.assertEqual(record.column_ids.sorted("index").mapped("target"), list(import_headers.TARGETS))
        self.assertEqual(record.row_count, 1)

    # ------------------------------------------------------------------
    # Broken files
    # ------------------------------------------------------------------
    def test_broken_files_refused_with_their_message_and_nothing_created(self):
        header = ["Company", "Phone"]
        good = samples.xlsx_file([header, ["Broken Alpha Ltd", "+48 600 100 601"]])
        cases = [
            (good[: len(good) // 2], "truncated.xlsx", "cannot be read"),
            (b"\x00\x01garbage" * 100, "garbage.xls", "cannot be read"),
            (samples.encrypted_xlsx_file(), "secret.xlsx", "protected by a password"),
            (
                samples.encrypted_xls_file([header, ["Broken Beta Ltd", "1"]]),
                "secret.xls",
                "protected by a password",
            ),
            (samples.xlsx_file([]), "empty.xlsx", "is empty"),
            (samples.xlsx_file([header]), "header.xlsx", "but no customer below it"),
            (samples.xlsx_file([["Hello", "World"], ["1", "2"]]), "nothing.xlsx", "Company Name"),
            (samples.xlsx_file([header, ["Broken Gamma Ltd", "=1+1"]]), "formula.xlsx", "B2"),
            (
                samples.xlsx_file(
                    [header, ["Broken Delta Ltd", "1"], ["Broken Echo Ltd", "2"]], merged=("A2:A3",)
                ),
                "merged.xlsx",
                "A2:A3",
            ),
            (good, "customers.pdf", "is not a spreadsheet"),
            (
                samples.ods_file(
                    [header, ["Broken Foxtrot Ltd", "1"], ["Broken Golf Ltd", "2"]], merged=("B2:B3",)
                ),
                "merged.ods",
                "B2:B3",
            ),
            (samples.ods_file([header, ["Broken Hotel Ltd", ("=1+1", None)]]), "formula.ods", "B2"),
            (samples.ods_file([header, ["Broken India Ltd", "1"]], encrypted=True), "secret.ods", "password"),
        ]
        partner_count = self.env["res.partner"].search_count([])
        for content, filename, text in cases:
            with self.subTest(filename=filename):
                # Odoo guesses the type of the attachment, and logs that a truncated zip is no xlsx
                with mute_logger("odoo.tools.mimetypes"):
                    record = self.new_import(self.salesperson, content, filename)
                with self.assertRaisesText(UserError, text):
                    record.action_preview()
                self.assertEqual(record.state, "draft")
                self.assertFalse(record.column_ids)
                self.assertFalse(record.preview_html)
        self.assertEqual(self.env["res.partner"].search_count([]), partner_count)
        self.assertFalse(self.partners("Broken"))

    def test_preview_without_file_refused(self):
        record = self.Import.with_user(self.salesperson).create({})
        with self.assertRaisesText(UserError, "Upload the spreadsheet"):
            record.action_preview()

    def test_new_file_resets_the_preview(self):
        record = self.new_import(self.salesperson, samples.xlsx_file(self.rows()), "fair.xlsx")
        record.action_preview()
        record.write(
            {
                "file": base64.b64encode(samples.xlsx_file([["Company"], ["Other One Ltd"]])),
                "filename": "b.xlsx",
            }
        )
        self.assertEqual(record.state, "draft")
        self.assertFalse(record.column_ids)
        record.action_preview()
        self.assertEqual(record.row_count, 1)

    # ------------------------------------------------------------------
    # Big files: the cron
    # ------------------------------------------------------------------
    def test_big_file_imported_by_the_cron_in_chunks_and_resumed_after_a_crash(self):
        rows = [["Company", "Phone"]] + [
            [f"Big Row {number:02d} Trading", f"+48 600 200 {number:03d}"] for number in range(1, 13)
        ]
        rows[5][1] = "12"  # row 6: not a phone number
        Import = self.Import.with_context(crm_import_inline_rows=5, crm_import_chunk=4)
        record = Import.with_user(self.salesperson).create(
            {
                "file": base64.b64encode(samples.xlsx_file(rows)),
                "filename": "big.xlsx",
                "pool_id": self.pool.id,
            }
        )
        record.action_preview()
        self.assertEqual((record.row_count, record.valid_count, record.skipped_count), (12, 11, 1))
        cron = self.env.ref("crm_lifecycle.ir_cron_crm_customer_import")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

        record.action_import()

        self.assertEqual(record.state, "queued")
        self.assertFalse(self.partners("Big Row"), "nothing is imported before the cron runs")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)

        # the cron imports a chunk per call (here), recording the progress
        Cron = self.Import.with_context(crm_import_chunk=4)
        Cron._cron_run_imports(max_chunks=1)
        self.assertEqual((record.state, record.done_rows), ("running", 4))
        self.assertAlmostEqual(record.progress, 100 * 4 / 12)
        self.assertEqual(len(self.partners("Big Row")), 4)

        # the worker dies while the second chunk is written: that chunk is rolled back
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            Cron._cron_run_imports(max_chunks=1)
            self.assertEqual(len(self.partners("Big Row")), 7)
            raise RuntimeError("worker killed")
        self.assertEqual((record.state, record.done_rows), ("running", 4))

        # the next run continues after the last committed chunk
        Cron._cron_run_imports()
        self.assertImported(record, 11, 1)
        partners = self.partners("Big Row")
        self.assertEqual(len(partners), 11)
        self.assertEqual(len(self.events(partners, "import")), 11)
        self.assertEqual([row[2] for row in self.report_rows(record)[1:]], [6])
        # the importer is told
        message = record.message_ids[0]
        self.assertIn("11 customers created, 1 rows skipped", message.body)
        self.assertIn(self.salesperson.partner_id, message.partner_ids)
        # nothing left to do
        Cron._cron_run_imports()
        self.assertEqual(len(self.partners("Big Row")), 11)

    def test_queued_import_fails_when_the_importer_lost_the_pool(self):
        rows = [["Company"]] + [[f"Lost Pool {number} Ltd"] for number in range(1, 8)]
        Import = self.Import.with_context(crm_import_inline_rows=5)
        record = Import.with_user(self.salesperson).create(
            {
                "file": base64.b64encode(samples.xlsx_file(rows)),
                "filename": "lost.xlsx",
                "pool_id": self.pool.id,
            }
        )
        record.action_preview()
        record.action_import()
        self.assertEqual(record.state, "queued")
        # a manager gives the pool to another team before the cron runs
        self.pool.team_ids = self.other_team

        self.Import._cron_run_imports()

        self.assertEqual(record.state, "failed")
        self.assertIn("Test Company Pool", record.message)
        self.assertFalse(self.partners("Lost Pool"))
        message = record.message_ids[0]
        self.assertIn("Import of lost.xlsx failed", message.body)
        self.assertIn(self.salesperson.partner_id, message.partner_ids)

    def test_forgotten_drafts_removed(self):
        draft = self.Import.with_user(self.salesperson).create({})
        done = self.new_import(self.salesperson, samples.xlsx_file(self.rows()), "kept.xlsx")
        done.action_preview()
        done.action_import()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_customer_import SET write_date = NOW() - INTERVAL '8 days' WHERE id IN %s",
            [(draft.id, done.id)],
        )
        self.env.invalidate_all()
        self.Import._gc_drafts()
        self.assertFalse(draft.exists())
        self.assertTrue(done.exists())

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_salesperson_imports_into_own_team_pools_only(self):
        content = samples.xlsx_file(self.rows(prefix="South"))
        Import = self.Import.with_user(self.salesperson)
        self.assertEqual(Import.new({}).pool_id, self.team_pool, "the team's pool by default")
        allowed = Import.new({}).allowed_pool_ids._origin
        self.assertIn(self.pool, allowed)
        self.assertIn(self.team_pool, allowed)
        self.assertNotIn(self.south_pool, allowed)
        self.assertIn(
            self.south_pool, self.Import.with_user(self.sales_manager).new({}).allowed_pool_ids._origin
        )

        record = self.new_import(self.salesperson, content, "south.xlsx", pool_id=self.south_pool.id)
        with self.assertRaisesText(AccessError, "South Team Pool"):
            record.action_preview()
        self.assertFalse(self.partners("South"))
        # the outsider, member of the south team, may
        outsider = self.new_import(self.outsider, content, "south.xlsx", pool_id=self.south_pool.id)
        outsider.action_preview()
        outsider.action_import()
        self.assertEqual(len(self.partners("South")), 3)

    def test_salesperson_sees_own_imports_manager_all(self):
        own = self.new_import(self.salesperson, samples.xlsx_file(self.rows()), "own.xlsx")
        other = self.new_import(self.colleague, samples.xlsx_file(self.rows()), "other.xlsx")
        self.assertEqual(
            self.Import.with_user(self.salesperson).search([("id", "in", (own | other).ids)]), own
        )
        with self.assertRaises(AccessError):
            other.with_user(self.salesperson).read(["name"])
        with self.assertRaises(AccessError):
            own.with_user(self.salesperson).unlink()
        # an import runs with its importer's rights: nobody passes their import to another user
        with self.assertRaisesText(AccessError, "The importer of an import cannot be changed."):
            own.with_user(self.salesperson).write({"user_id": self.sales_manager.id})
        with self.assertRaises(AccessError):
            other.with_user(self.sales_manager).write({"user_id": self.sales_manager.id})
        self.assertEqual(
            self.Import.with_user(self.sales_manager).search([("id", "in", (own | other).ids)]), own | other
        )
        self.assertEqual(own.user_id, self.salesperson)

    def test_menus(self):
        for menu in (
            "crm_lifecycle.crm_customer_import_menu",
            "crm_lifecycle.crm_customer_import_history_menu",
        ):
            self.assertMenuOpens(self.salesperson, menu)
            self.assertMenuOpens(self.sales_manager, menu)
        self.assertMenuOpens(self.sales_manager, "crm_lifecycle.crm_customer_import_mapping_menu")
        self.assertMenuHidden(self.salesperson, "crm_lifecycle.crm_customer_import_mapping_menu")

    def test_public_pool_list_offers_the_import(self):
        view = self.env.ref("crm_lifecycle.res_partner_view_list_pool")
        arch = self.env["res.partner"].with_user(self.salesperson).get_view(view.id, "list")["arch"]
        action = self.env.ref("crm_lifecycle.crm_customer_import_action_new")
        self.assertIn(f'name="{action.id}"', arch)
        self.assertEqual(action.sudo().res_model, "crm.customer.import")
