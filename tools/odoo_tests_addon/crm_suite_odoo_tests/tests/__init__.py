# The test modules of crm_suite_odoo_tests_ref (only imported, never installed here).
from odoo.addons.crm_suite_odoo_tests_ref.tests import *  # noqa: F403
