# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Service",
    "summary": "Complaints, suggestions, customer care, service routing and SLA",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "depends": ["crm_value", "rating", "portal"],
    "data": [
        "security/crm_service_security.xml",
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/crm_service_menus.xml",
    ],
    "application": True,
}
