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
        "security/ir.model.access.csv",
        "data/crm_lifecycle_stage_data.xml",
        "views/crm_lifecycle_stage_views.xml",
        "views/crm_partner_event_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/crm_lifecycle_stage_change_views.xml",
        "views/crm_lifecycle_menus.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_tests": [
            "crm_lifecycle/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
