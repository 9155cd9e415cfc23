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
        "security/crm_service_sla_security.xml",
        "data/crm_service_sla_cron.xml",
        "data/crm_complaint_sequence_data.xml",
        "data/crm_complaint_stage_data.xml",
        "data/crm_complaint_mail_template_data.xml",
        "views/crm_complaint_views.xml",
        "views/crm_service_team_views.xml",
        "views/crm_complaint_config_views.xml",
        "views/res_partner_views.xml",
        "views/crm_complaint_portal_templates.xml",
        "views/res_config_settings_views.xml",
        "wizards/crm_complaint_ask_expert_views.xml",
        "views/crm_service_menus.xml",
        "views/crm_sla_policy_views.xml",
        "views/crm_sla_complaint_views.xml",
        "security/crm_service_report_security.xml",
        "report/crm_service_report_views.xml",
        "views/crm_service_dashboard_views.xml",
        # service feeds value
        "views/crm_service_value_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_service/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/crm_service_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "application": True,
}
