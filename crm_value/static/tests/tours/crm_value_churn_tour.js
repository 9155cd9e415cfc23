import { registry } from "@web/core/registry";
import { openValueMenuItem } from "@crm_value/../tests/tours/crm_value_tour_utils";

registry.category("web_tour.tours").add("crm_value_churn_tour", {
    url: "/odoo",
    steps: () => [
        ...openValueMenuItem("crm_value.crm_value_churn_state_menu", "Open the customers per churn state"),
        {
            content: "The customers per churn state are drawn",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        ...openValueMenuItem("crm_value.crm_value_churn_report_menu", "Open the lost revenue per month"),
        {
            content: "The lost revenue per month is drawn",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_control_panel .o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The revenue the lost customer brought before is counted",
            trigger: ".o_pivot .o_pivot_cell_value:contains(800.00)",
        },
    ],
});
