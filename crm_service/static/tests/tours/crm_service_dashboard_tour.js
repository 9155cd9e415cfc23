import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_service_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customer Service app",
            trigger: '.o_app[data-menu-xmlid="crm_service.crm_service_menu_root"]',
            run: "click",
        },
        {
            content: "Open the service dashboard",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_service.crm_service_dashboard_menu"]',
            run: "click",
        },
        {
            content: "The desk's card counts its case at risk: open them",
            trigger:
                ".o_kanban_record:contains(Tour Desk) a[name=action_dashboard_at_risk]:contains(1)",
            run: "click",
        },
        {
            content: "The case at risk is listed",
            trigger: ".o_action_manager :contains(Tour case at risk)",
        },
        {
            content: "Open the Reporting menu",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_service.crm_service_report_menu"]',
            run: "click",
        },
        {
            content: "Open the SLA attainment",
            trigger: '.dropdown-item[data-menu-xmlid="crm_service.crm_service_sla_report_menu"]',
            run: "click",
        },
        {
            content: "One of the desk's two decided targets was reached: 50%",
            trigger: ".o_pivot .o_pivot_cell_value:contains(50.00)",
        },
        {
            content: "Open the complaints by root cause",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_service.crm_service_report_menu"]',
            run: "click",
        },
        {
            content: "Open the Pareto of root causes",
            trigger: '.dropdown-item[data-menu-xmlid="crm_service.crm_complaint_report_pareto_menu"]',
            run: "click",
        },
        {
            content: "The root causes are drawn, the most frequent first",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
    ],
});
