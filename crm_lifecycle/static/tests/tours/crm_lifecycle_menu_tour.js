import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("crm_lifecycle_menu_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customers app",
            trigger: '.o_app[data-menu-xmlid="crm_lifecycle.crm_lifecycle_menu_root"]',
            run: "click",
        },
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
