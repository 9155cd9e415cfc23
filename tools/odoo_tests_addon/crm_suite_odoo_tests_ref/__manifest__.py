# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Odoo's tests, without the CRM suite (test only)",
    "summary": "Runs the tests of the Odoo addons it depends on at its own install",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    # the Odoo addons whose tests make test-odoo runs (tools/devenv.py ODOO_TESTED_ADDONS)
    "depends": ["crm", "sale_crm", "sale_margin", "sale", "sale_management", "account"],
    "installable": True,
}
