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
        "security/crm_value_clv_model_security.xml",
        "data/crm_value_cron.xml",
        "data/crm_value_rfm_segment_data.xml",
        "data/crm_value_service_tier_data.xml",
        "views/res_config_settings_views.xml",
        "views/crm_value_clv_model_views.xml",
        "views/crm_value_menus.xml",
    ],
}
