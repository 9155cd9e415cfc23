import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const CASE = "Tour printer prints blank pages";

/** A service agent takes a new case, answers the customer, escalates it and resolves it. */
registry.category("web_tour.tours").add("crm_service_agent_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customer Service app",
            trigger: '.o_app[data-menu-xmlid="crm_service.crm_service_menu_root"]',
            run: "click",
        },
        {
            content: "Open the Cases menu",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_service.crm_complaint_menu"]',
            run: "click",
        },
        {
            content: "Open All Cases",
            trigger: '.dropdown-item[data-menu-xmlid="crm_service.crm_complaint_menu_all"]',
            run: "click",
        },
        {
            content: "Open the new case from the kanban",
            trigger: `.o_kanban_record:contains(${CASE})`,
            run: "click",
        },
        {
            content: "Take the case",
            trigger: ".o_form_view button[name=action_take]",
            run: "click",
        },
        {
            content: "The case is in progress",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(In Progress)",
        },
        {
            content: "Answer the customer",
            trigger: ".o-mail-Chatter button:contains(Send message)",
            run: "click",
        },
        {
            content: "Type the answer",
            trigger: ".o-mail-Composer-input",
            run: "edit We are looking at your printer.",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The answer is in the thread",
            trigger: ".o-mail-Message:contains(We are looking at your printer.)",
        },
        {
            content: "Escalate to the technical team",
            trigger: ".o_form_view button[name=action_escalate_technical]",
            run: "click",
        },
        {
            content: "The technical team has the case",
            trigger: ".o-mail-Message:contains(escalated this case from Tour Desk to Tour Technical Team)",
        },
        {
            content: "Resolve the case",
            trigger: ".o_form_view button[name=action_resolve]",
            run: "click",
        },
        {
            content: "The case is resolved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Resolved)",
        },
        {
            content: "and can be reopened",
            trigger: ".o_form_view button[name=action_reopen]",
        },
    ],
});
