# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Odoo's tests, with the CRM suite (test only)",
    "summary": "Runs Odoo's tests with crm_lifecycle, crm_value and crm_service loaded",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    # the same Odoo addons as crm_suite_odoo_tests_ref, then the suite: loaded after it
    "depends": [
        "crm",
        "sale_crm",
        "sale_margin",
        "sale",
        "sale_management",
        "account",
        "crm_lifecycle",
        "crm_value",
        "crm_service",
    ],
    "installable": True,
}
