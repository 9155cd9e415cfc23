import base64
import io

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, tagged

from . import spreadsheet_samples as samples


@tagged("post_install", "-at_install")
class TestCustomerImportTour(HttpCase):
    """A salesperson uploads a spreadsheet, previews it, imports it and downloads the error report."""

    def setUp(self):
        super().setUp()
        self.salesperson = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Import Tour Seller",
                    "login": "import_tour_sales",
                    "password": "import_tour_sales",
                    "email": "import_tour_sales@example.com",
                    "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
                }
            )
        )
        content = samples.xlsx_file(
            [
                ["Company", "Phone", "Email", "Country"],
                ["Tour Import Alpha Ltd", "+48 600 300 101", "alpha@tour-import.example", "PL"],
                ["Tour Import Bravo Ltd", "+48 600 300 102", "bravo@tour-import.example", "PL"],
                ["Tour Import Charlie Ltd", "+48 600 300 103", "charlie at tour-import", "PL"],
            ]
        )
        # the file the tour uploads (a browser test cannot choose a file on the disk)
        self.env["ir.attachment"].create(
            {"name": "crm_customer_import_tour.xlsx", "raw": content, "public": True}
        )

    def test_salesperson_imports_a_spreadsheet(self):
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("name", "=like", "Tour Import %")]))

        self.start_tour("/odoo", "crm_customer_import_tour", login=self.salesperson.login)

        record = self.env["crm.customer.import"].search([("user_id", "=", self.salesperson.id)])
        self.assertEqual(len(record), 1)
        self.assertEqual(record.filename, "crm_customer_import_tour.xlsx")
        self.assertEqual(
            (record.state, record.row_count, record.created_count, record.skipped_count), ("done", 3, 2, 1)
        )
        partners = Partner.search([("name", "=like", "Tour Import %")])
        self.assertEqual(sorted(partners.mapped("name")), ["Tour Import Alpha Ltd", "Tour Import Bravo Ltd"])
        self.assertEqual(set(partners.mapped("crm_pool_state")), {"pool"})
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(record.error_file)), read_only=True)
        rows = list(workbook.active.iter_rows(values_only=True))
        workbook.close()
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][:2], ("Tour Import Charlie Ltd", "+48 600 300 103"))
        self.assertIn("not a valid email address", rows[1][-1])
