import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const IDEA = "Tour agent idea: cable tray";

/** A service agent plans a suggestion from the pipeline, writes the decision and ships it. */
registry.category("web_tour.tours").add("crm_service_suggestion_agent_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customer Service app",
            trigger: '.o_app[data-menu-xmlid="crm_service.crm_service_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Suggestions menu",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_service.crm_suggestion_menu"]',
            run: "click",
        },
        {
            content: "Open the pipeline",
            trigger: '.dropdown-item[data-menu-xmlid="crm_service.crm_suggestion_menu_all"]',
            run: "click",
        },
        {
            content: "Open the suggestion from its column",
            trigger: `.o_kanban_group:contains(New) .o_kanban_record:contains(${IDEA})`,
            run: "click",
        },
        {
            content: "Plan it",
            trigger: ".o_form_view button[name=action_plan]",
            run: "click",
        },
        {
            content: "It is planned",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Planned)",
        },
        {
            content: "Open the decision tab",
            trigger: ".o_notebook a[name=decision_note]",
            run: "click",
        },
        {
            content: "Write the decision for the customers",
            trigger: ".o_field_html[name=decision_note] .odoo-editor-editable",
            run: "editor The cable tray ships with every desk from today.",
        },
        {
            content: "Ship it",
            trigger: ".o_form_view button[name=action_ship]",
            run: "click",
        },
        {
            content: "Confirm: the requesters are told",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "It is shipped",
            trigger: ".o_form_view .ribbon:contains(Shipped)",
        },
    ],
});

/** A salesperson logs what their customer asks for, from the customer's form, in one step. */
registry.category("web_tour.tours").add("crm_service_suggestion_log_tour", {
    steps: () => [
        {
            content: "Open the customer's Action menu",
            trigger: ".o_form_view .o_cp_action_menus i.fa-cog",
            run: "click",
        },
        {
            content: "Log a suggestion from the customer",
            trigger: ".dropdown-menu .o-dropdown-item:contains(Log a Suggestion)",
            run: "click",
        },
        {
            content: "Say what the customer suggests",
            trigger: ".modal div[name=name] input",
            run: "edit Tour logged idea: darker wood",
        },
        {
            content: "In their words",
            trigger: ".modal div[name=comment] textarea",
            run: "edit Walnut would match our offices.",
        },
        {
            content: "Log it",
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            content: "The suggestion is open (read-only for a salesperson)",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(Tour logged idea: darker wood)",
        },
        {
            content: "with the customer among its requesters",
            trigger: ".o_form_view .o_field_widget[name=vote_ids] .o_data_row:contains(Sugg Tour Walnut Ltd)",
        },
    ],
});
