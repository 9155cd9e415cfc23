import { registry } from "@web/core/registry";
import { openValueMenuItem } from "@crm_value/../tests/tours/crm_value_tour_utils";

registry.category("web_tour.tours").add("crm_value_pareto_tour", {
    url: "/odoo",
    steps: () => [
        ...openValueMenuItem("crm_value.crm_value_pareto_menu", "Open the Pareto screen"),
        {
            content: "The Pareto curve is drawn",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        {
            content: "Switch to the ranking",
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The first customer of the ranking is the class-A one",
            trigger: ".o_list_view .o_data_row:contains(Tour Pareto First Ltd) [name=abc_class]:contains(A)",
        },
        ...openValueMenuItem("crm_value.crm_value_margin_class_menu", "Open the margin by value class"),
        {
            content: "The margin per class is drawn",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
    ],
});
