# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Value",
    "summary": "Customer value indices (profit, Pareto, RFM, churn) from posted invoices",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite contributors",
    "license": "LGPL-3",
    "depends": ["crm_lifecycle", "account", "sale_margin"],
    "external_dependencies": {"python": ["numpy", "scipy"]},
    "data": [
        "security/crm_value_security.xml",
        "security/ir.model.access.csv",
        "security/crm_value_benefit_security.xml",
        "data/crm_value_pool_data.xml",
        "views/res_config_settings_views.xml",
        "views/res_config_settings_benefit_views.xml",
        "views/res_partner_benefit_views.xml",
        "views/crm_pool_value_views.xml",
        "views/crm_value_menus.xml",
        "views/crm_value_benefit_views.xml",
    ],
}
