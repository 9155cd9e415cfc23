import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const CUSTOMER = "Tour Care Customer";

/** A service representative opens their care due, calls the customer and records the outcome. */
registry.category("web_tour.tours").add("crm_care_done_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customer Service app",
            trigger: '.o_app[data-menu-xmlid="crm_service.crm_service_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Care menu",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_service.crm_care_menu"]',
            run: "click",
        },
        {
            content: "Open My Care",
            trigger: '.dropdown-item[data-menu-xmlid="crm_service.crm_care_event_menu_my"]',
            run: "click",
        },
        {
            content: "Open the care due for the customer",
            trigger: `.o_data_row td:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            content: "Mark it done",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_done_wizard]",
            run: "click",
        },
        {
            content: "The customer wants more: an upsell",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=upsell]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The care is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "with its outcome",
            trigger: ".o_form_view .o_field_widget[name=outcome]:contains(Upsell)",
        },
    ],
});
