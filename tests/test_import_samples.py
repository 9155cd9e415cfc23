"""The sample import files of ``data/`` do what the README's walkthrough says, through the
import wizard of crm_lifecycle, in the database of ``make test`` (``CRM_TEST_DB``, with the
demo data), as the demo salesperson; everything is rolled back."""

import base64
import io
import os
from pathlib import Path

import openpyxl
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"


@pytest.fixture
def env():
    dbname, config = os.environ.get("CRM_TEST_DB"), os.environ.get("CRM_ODOO_CONFIG")
    if not dbname or not config:
        pytest.skip("needs the database of make test (CRM_TEST_DB, CRM_ODOO_CONFIG)")
    import odoo
    from odoo.modules.registry import Registry

    # pytest-odoo has read the configuration (--odoo-config) already
    registry = Registry(dbname)
    with registry.cursor() as cr:
        admin_env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = admin_env.ref("base.user_demo")
        try:
            yield admin_env(user=user, context={"lang": "en_US"})
        finally:
            cr.rollback()


def run_import(env, filename):
    record = env["crm.customer.import"].create(
        {"file": base64.b64encode((DATA_DIR / filename).read_bytes()), "filename": filename}
    )
    record.action_preview()
    record.action_import()
    return record


def test_clean_english_sample_imports_every_row_once(env):
    record = run_import(env, "import_sample_en.xlsx")
    assert (record.state, record.row_count, record.created_count, record.skipped_count) == ("done", 25, 25, 0)
    partners = env["res.partner"].search([("name", "=", "Harbourside Marine Supplies Ltd")])
    assert len(partners) == 1
    assert partners.crm_pool_state == "pool"
    assert partners.lifecycle_stage_id.code == "pool"
    assert partners.child_ids.mapped("name") == ["Oliver Bennett"]
    events = partners.crm_event_ids.filtered(lambda event: event.event_type == "import")
    assert "import_sample_en.xlsx" in events.reason
    again = run_import(env, "import_sample_en.xlsx")
    assert (again.created_count, again.skipped_count) == (0, 25)


def test_chinese_sample_keeps_numbers_as_digits(env):
    record = run_import(env, "import_sample_zh.xls")
    assert (record.state, record.created_count, record.skipped_count) == ("done", 25, 0)
    partner = env["res.partner"].search([("name", "=", "上海静安办公家具有限公司")])
    assert partner.vat == "91310106MA1FY03027"
    assert partner.phone.replace(" ", "").endswith("2162880302")
    assert partner.mobile == "13801230302"
    assert partner.country_id.code == "CN"


def test_error_sample_reports_every_bad_row(env):
    record = run_import(env, "import_sample_errors.xlsx")
    assert record.state == "done"
    assert record.row_count == 12
    assert record.created_count + record.skipped_count == 12
    record.action_download_errors()
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(record.error_file))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    reported = {row[header.index("Row")]: row[-1] for row in rows[1:]}
    assert len(reported) == record.skipped_count
    # the demo customer of another salesperson is refused with its owner's name
    northwind = next(error for error in reported.values() if "Northwind" in error)
    assert "followed by" in northwind or "already exists" in northwind
    assert any("email" in error.lower() for error in reported.values())
    assert any("Narnia" in error for error in reported.values())
