import { registry } from "@web/core/registry";
import { openCustomersApp } from "@crm_lifecycle/../tests/tours/crm_lifecycle_tour_utils";

registry.category("web_tour.tours").add("crm_lifecycle_menu_tour", {
    url: "/odoo",
    steps: () => [
        ...openCustomersApp(),
        {
            content: "The customers are listed",
            trigger: ".o_breadcrumb:contains(Customers)",
        },
        {
            content: "Switch to the list view",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list is shown",
            trigger: ".o_list_view",
        },
    ],
});
