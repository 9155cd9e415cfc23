import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const SERIAL = "TOUR-EQ-42";

/** A service agent records a done preventive visit from the equipment form. */
registry.category("web_tour.tours").add("crm_equipment_visit_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customer Service app",
            trigger: '.o_app[data-menu-xmlid="crm_service.crm_service_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Installed Base menu",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_service.crm_equipment_menu_root"]',
            run: "click",
        },
        {
            content: "Open Equipment",
            trigger: '.dropdown-item[data-menu-xmlid="crm_service.crm_equipment_menu"]',
            run: "click",
        },
        {
            content: "Open the equipment",
            trigger: `.o_data_row:contains(${SERIAL}) .o_data_cell[name=name]`,
            run: "click",
        },
        {
            content: "Record a visit",
            trigger: ".o_form_view button[name=action_new_visit]",
            run: "click",
        },
        {
            content: "Type the meter reading taken at the visit",
            trigger: ".o_form_view .o_field_widget[name=meter_reading] input",
            run: "edit 150",
        },
        {
            content: "Mark the visit done",
            trigger: ".o_form_view button[name=action_done]",
            run: "click",
        },
        {
            content: "The visit is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});
