"""Odoo's test modules of the addons this one depends on, as this addon's own.

Odoo's runner takes every ``test_*`` module found in ``<addon>.tests`` and runs the test
classes defined there; the classes keep their module (``odoo.addons.crm.tests...``), so
``--test-tags=/crm`` selects them and the log names them as usual. Installing this addon
thus runs those tests once every module of the database is loaded.
"""

from odoo.modules.module import get_manifest
from odoo.tests.loader import get_test_modules

TESTED_ADDONS = tuple(get_manifest("crm_suite_odoo_tests_ref")["depends"])


def _export(namespace):
    for addon in TESTED_ADDONS:
        for module in get_test_modules(addon):
            # "test_" first: the runner only takes the names starting with it
            namespace[f"test_{addon}__{module.__name__.rsplit('.', 1)[-1]}"] = module


_export(globals())
