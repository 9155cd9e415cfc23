# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Lifecycle",
    "summary": "Lifecycle stages, salesperson ownership and a public pool of customers",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "depends": ["sale_crm", "sale_margin", "mail"],
    "external_dependencies": {"python": ["xlrd", "openpyxl", "lxml"]},
    "data": [
        "security/crm_lifecycle_security.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_lifecycle_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_lifecycle/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
