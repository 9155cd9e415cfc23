#!/usr/bin/env python3
"""Benchmark of the spreadsheet reader of crm_lifecycle (``utils/spreadsheet.py``) against openpyxl.

Run by ``make bench`` (see README.md, "Benchmarks"), or by hand on a database with the addons::

    python tests/bench/bench_spreadsheet_read.py --config .devenv/odoo-bench.conf --database crm_bench_x

Not a test: it prints its figures next to a baseline measured in the same run, and
whether the target is met (exit status 1 when it is missed).

- The file: the prospect list of ``data/generate.py --import-file`` (``--rows``, default
  50,000, with English headers), or ``--file``.
- Ours: ``spreadsheet.open_table`` (python-calamine and the checks around it: header,
  merged cells, formulas without a value), then every row of ``Table.rows()`` as text.
- Baseline, in the same run: openpyxl in read-only mode, every row of the sheet as values,
  each value turned into text by the same ``cell_text``.

Each is timed ``--repeat`` times (default 3), the best run counts. Target: ours at least
3x faster.
"""

import io
import sys
import tempfile
import time
from pathlib import Path

from bench_customer_import import write_file
from bench_duplicate import start_odoo
from benchlib import make_parser, verdict

TARGET_RATIO = 3.0


def read_ours(spreadsheet, content, filename):
    with spreadsheet.open_table(content, filename) as table:
        return sum(1 for _row in table.rows())


def read_openpyxl(spreadsheet, content):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        next(rows)  # the header row
        count = 0
        for values in rows:
            cells = [spreadsheet.cell_text(value) for value in values]
            count += any(cells)
        return count
    finally:
        workbook.close()


def best_of(repeat, function, *args):
    times, result = [], None
    for _run in range(repeat):
        began = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - began)
    return min(times), result


def parse_args(argv):
    parser = make_parser(__doc__, "database with crm_lifecycle (writes the file)")
    parser.add_argument("--rows", type=int, default=50000, help="rows of the generated file")
    parser.add_argument("--file", help="read this .xlsx instead of a generated one")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each reader, the best counts")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    start_odoo(args.config, args.database)  # makes the addons importable
    from odoo.addons.crm_lifecycle.utils import spreadsheet

    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.file) if args.file else Path(folder) / "prospects.xlsx"
        if not args.file:
            write_file(args.config, args.database, path, args.rows, 0.1)
        content = path.read_bytes()
    print(f"Spreadsheet reading benchmark: {path.name}, {len(content) / 1e6:.1f} MB", flush=True)
    ours, our_rows = best_of(args.repeat, read_ours, spreadsheet, content, path.name)
    print(f"  ours (python-calamine)      {ours:7.2f} s  {our_rows:,} rows  {our_rows / ours:9,.0f} rows/s")
    base, base_rows = best_of(args.repeat, read_openpyxl, spreadsheet, content)
    print(f"  openpyxl, read-only mode    {base:7.2f} s  {base_rows:,} rows  {base_rows / base:9,.0f} rows/s")
    met = our_rows == base_rows and base / ours >= TARGET_RATIO
    if our_rows != base_rows:
        print("  the two readers found a different number of rows: FAILED")
    print(f"Ratio: ours {base / ours:.1f}x faster; target >= {TARGET_RATIO:g}x: {verdict(met)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
