#!/usr/bin/env python3
"""Fill an Odoo 18 database with the customers of a realistic company.

For demos and benchmarks; run it in the project's virtualenv::

    python data/generate.py --config .devenv/odoo.conf --database crm_demo --partners 100000
    python data/generate.py --help

The generator itself is the package ``data/crm_generate/`` (its ``__init__.py`` describes
what it writes and how its modules are laid out); this command puts ``data/`` on the
import path and runs :func:`crm_generate.cli.main`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crm_generate.cli import main  # noqa: E402 (needs data/ on the import path first)

if __name__ == "__main__":
    sys.exit(main())
