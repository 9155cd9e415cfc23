#!/usr/bin/env python3
"""Benchmark of the Excel import of crm_lifecycle (``crm.customer.import``) against base_import.

Run by ``make bench`` (see README.md, "Benchmarks"), or by hand on a filled database::

    python tests/bench/bench_customer_import.py --config .devenv/odoo-bench.conf --database crm_bench_x

Not a test: it prints its figures next to a baseline measured in the same run, and
whether each target is met (exit status 1 when one is missed).

1. The file: ``data/generate.py --import-file`` writes a ``.xlsx`` of ``--rows`` prospects
   (default 50,000) with English headers, ``--duplicates`` of them (default 10%) already
   customers of the database.
2. Ours: a salesperson uploads it into ``crm.customer.import``, previews it (every row
   validated, duplicates looked up) and imports it, inline (the background job runs the
   same chunks). Wall time of preview + import, rows per second, queries, and the growth
   of the process's peak memory. Checked: every new row created, every duplicate refused.
3. Baseline, in the same run: Odoo's own import (``base_import.import.execute_import``)
   of the same file into ``res.partner``, the same columns, in batches of 2,000 rows as
   its screen sends them, with the duplicate check off (base_import stops a batch at the
   first refused row).

Targets, on the import step (the preview, like base_import's "Test", is a step of its own
and printed apart): at least 5x faster than base_import, and at least 2,000 rows/s.
Everything is rolled back; each run starts from freshly vacuumed tables (see ``vacuum()``).
"""

import base64
import io
import sys
import tempfile
import time
from pathlib import Path

# the helpers of this folder (the script's, first in sys.path)
from bench_duplicate import importer, load_generator, start_odoo
from benchlib import make_parser, peak_mb, verdict

TARGET_RATIO = 5.0
TARGET_ROWS_PER_SECOND = 2000.0
BASE_IMPORT_BATCH = 2000
SEED = 4242
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the generator's headers -> the res.partner fields base_import is given for them
BASE_IMPORT_FIELDS = {
    "Company Name": "name",
    "Contact Person": "child_ids/name",
    "Phone": "phone",
    "Mobile": "mobile",
    "Email": "email",
    "VAT": "vat",
    "Street": "street",
    "City": "city",
    "Country": "country_id",
    "Website": "website",
    "Industry": "industry_id",
    "Source": "crm_source_id",
    "Notes": "comment",
    "Tags": "category_id",
}


def write_file(config, database, path, rows, duplicates):
    """The prospect list of ``data/generate.py --import-file``: ``rows`` companies,
    ``duplicates`` of them customers already in the database, the others new to it."""
    generate = load_generator("cli")
    argv = ["--config", str(config), "--database", database, "--partners", "0", "--seed", str(SEED)]
    argv += ["--import-file", str(path), "--import-rows", str(rows), "--import-duplicates", str(duplicates)]
    if generate.main(argv):
        raise SystemExit("data/generate.py could not write the prospect list")


def file_industries(content):
    """The industries named in the file (column "Industry")."""
    import openpyxl  # noqa: PLC0415 (Odoo's virtualenv has it; the module must load without it)

    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    if "Industry" not in header:
        return set()
    column = header.index("Industry")
    return {row[column] for row in rows if row[column]}


def ensure_industries(env, names):
    """Industries exist before both runs: only administrators may create them, and base_import
    refuses a row whose industry it cannot create (ours leaves it empty with a warning)."""
    Industry = env["res.partner.industry"].sudo()
    known = set(Industry.search([]).mapped("name"))
    Industry.create([{"name": name} for name in sorted(names - known)])


# the tables an import writes; see vacuum()
WRITTEN_TABLES = (
    "res_partner",
    "crm_partner_event",
    "res_partner_res_partner_category_rel",
    "crm_customer_import_error",
)


def vacuum(odoo, database):
    """VACUUM ANALYZE the tables an import writes, so that each run starts from the same tables.

    Every run here is rolled back, as are those of the other benchmarks of the database: each
    leaves the rows it wrote as dead rows in the tables and their indexes (90,000 partners for
    50,000 rows of a file), which autovacuum clears from a live database once it notices them.
    After a few such runs, an import took a fifth longer.
    """
    with odoo.sql_db.db_connect(database).cursor() as cr:
        cr._cnx.autocommit = True  # VACUUM refuses to run in a transaction
        for table in WRITTEN_TABLES:
            cr.execute(f"VACUUM ANALYZE {table}")


class QueryCounter:
    """Counts the queries of a cursor (``sql_db.Cursor.sql_log_count`` is per cursor)."""

    def __init__(self, cr):
        self.cr = cr
        self.start = cr.sql_log_count

    @property
    def count(self):
        return self.cr.sql_log_count - self.start


def bench_ours(registry, odoo, content, filename, industries):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        ensure_industries(env, industries)
        user = importer(env)
        env = env(user=user, context={"lang": "en_US", "tracking_disable": True})
        cr.execute("SELECT count(*) FROM res_partner")
        partners_before = cr.fetchone()[0]
        env.flush_all()
        rss_before = peak_mb()
        counter = QueryCounter(cr)
        began = time.perf_counter()
        record = env["crm.customer.import"].create({"file": base64.b64encode(content), "filename": filename})
        record.action_preview()
        previewed = time.perf_counter()
        record.action_import()
        if record.state == "queued":
            # the background job runs the same chunks; inline here, without its commits
            record.state = "running"
            record._run_chunks()
        env.flush_all()
        spent = time.perf_counter() - began
        figures = {
            "seconds": spent,
            "preview": previewed - began,
            "queries": counter.count,
            "rss": peak_mb() - rss_before,
            "rows": record.row_count,
            "valid": record.valid_count,
            "created": record.created_count,
            "skipped": record.skipped_count,
            "state": record.state,
            "user": user.name,
        }
        cr.execute("SELECT count(*) FROM res_partner")
        figures["partners_added"] = cr.fetchone()[0] - partners_before
        cr.rollback()
    return figures


def bench_base_import(registry, odoo, content, filename, industries):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        ensure_industries(env, industries)
        user = importer(env)
        user.company_id.crm_duplicate_check = False
        env = env(user=user, context={"lang": "en_US"})
        wizard = env["base_import.import"].create(
            {"res_model": "res.partner", "file": content, "file_name": filename, "file_type": XLSX_MIMETYPE}
        )
        options = {
            "has_headers": True,
            "quoting": '"',
            "separator": ",",
            "float_thousand_separator": ",",
            "float_decimal_separator": ".",
            "date_format": "",
            "datetime_format": "",
            "encoding": "",
            "sheet": "",
            "import_skip_records": [],
            "import_set_empty_fields": [],
            "fallback_values": {},
            "name_create_enabled_fields": {"industry_id": True, "crm_source_id": True, "category_id": True},
            "limit": BASE_IMPORT_BATCH,
            "skip": 0,
        }
        preview = wizard.parse_preview(dict(options))
        headers = preview["headers"]
        fields = [BASE_IMPORT_FIELDS.get(header, False) for header in headers]
        options["sheet"] = preview.get("options", {}).get("sheet", "")
        env.flush_all()
        began = time.perf_counter()
        created = 0
        errors = 0
        batches = 0
        while True:
            result = wizard.execute_import(fields, headers, dict(options))
            batches += 1
            created += len(result.get("ids") or [])
            failures = [message for message in result.get("messages", []) if message.get("type") == "error"]
            if failures and not errors:
                print(f"  base_import refused a row: {failures[0].get('message')}", flush=True)
            errors += len(failures)
            next_row = result.get("nextrow") or 0
            if not next_row:
                break
            options["skip"] = next_row
        env.flush_all()
        spent = time.perf_counter() - began
        cr.rollback()
    return {"seconds": spent, "created": created, "errors": errors, "batches": batches}


def parse_args(argv=None):
    parser = make_parser(__doc__, "database with crm_lifecycle (and base_import)")
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the file (default 50000)")
    parser.add_argument(
        "--duplicates", type=float, default=0.1, help="share of rows duplicating customers (default 0.1)"
    )
    parser.add_argument("--file", help="import this .xlsx instead of generating one")
    parser.add_argument("--skip-baseline", action="store_true", help="only measure ours (no ratio)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    odoo, registry = start_odoo(args.config, args.database)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.file) if args.file else Path(folder) / "prospects.xlsx"
        if not args.file:
            began = time.perf_counter()
            write_file(args.config, args.database, path, args.rows, args.duplicates)
            print(f"File: {path.name} written in {time.perf_counter() - began:.1f} s", flush=True)
        content = path.read_bytes()
    print(
        f"Customer import benchmark on {args.database}: {len(content) / 1e6:.1f} MB .xlsx,"
        f" {args.rows:,} rows, {args.duplicates:.0%} duplicates of existing customers",
        flush=True,
    )
    missed = []
    industries = file_industries(content)
    vacuum(odoo, args.database)
    ours = bench_ours(registry, odoo, content, path.name, industries)
    importing = ours["seconds"] - ours["preview"]
    rate = ours["rows"] / importing
    print(f"\nOurs (crm.customer.import, as {ours['user']}):")
    preview_rate = ours["rows"] / ours["preview"]
    print(f"  preview {ours['preview']:8.1f} s  {preview_rate:8.0f} rows/s (checks, writes nothing)")
    print(f"  import  {importing:8.1f} s  {rate:8.0f} rows/s (checks again, writes)")
    print(
        f"  both    {ours['seconds']:8.1f} s  {ours['rows'] / ours['seconds']:8.0f} rows/s"
        f"  {ours['queries']:,} queries  peak memory +{ours['rss']:.0f} MB"
    )
    print(
        f"  rows {ours['rows']:,}: {ours['created']:,} created, {ours['skipped']:,} skipped"
        f" (state {ours['state']}); {ours['partners_added']:,} partners added with the contacts"
    )
    if ours["created"] != ours["valid"] or ours["state"] != "done":
        print(f"  the import did not create every valid row ({ours['valid']:,}): FAILED")
        missed.append("import")
    expected_skipped = int(ours["rows"] * args.duplicates)
    if not args.file and ours["skipped"] < expected_skipped:
        print(f"  fewer rows skipped than duplicates in the file ({expected_skipped:,}): FAILED")
        missed.append("duplicates")
    met = rate >= TARGET_ROWS_PER_SECOND
    print(f"  import target >= {TARGET_ROWS_PER_SECOND:,.0f} rows/s: {verdict(met)}")
    if not met:
        missed.append("rows/s")
    if not args.skip_baseline:
        vacuum(odoo, args.database)
        base = bench_base_import(registry, odoo, content, path.name, industries)
        base_rate = ours["rows"] / base["seconds"]
        ratio = base["seconds"] / importing
        print(f"\nBaseline (base_import.import.execute_import, batches of {BASE_IMPORT_BATCH:,}):")
        print(
            f"  import  {base['seconds']:8.1f} s  {base_rate:8.0f} rows/s  {base['created']:,} created,"
            f" {base['errors']:,} error messages, {base['batches']} batches"
        )
        met = ratio >= TARGET_RATIO
        print(
            f"\nRatio of the imports: ours {ratio:.1f}x faster; target >= {TARGET_RATIO:g}x: {verdict(met)}"
        )
        print(f"  (preview + import: {base['seconds'] / ours['seconds']:.1f}x)")
        if not met:
            missed.append("ratio")
    print("(everything rolled back)")
    print(f"\n{'Every target met.' if not missed else 'Missed: ' + ', '.join(missed)}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
