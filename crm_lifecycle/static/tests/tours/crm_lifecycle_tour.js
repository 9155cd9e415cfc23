import { registry } from "@web/core/registry";
import { openCustomersApp } from "@crm_lifecycle/../tests/tours/crm_lifecycle_tour_utils";

registry.category("web_tour.tours").add("crm_lifecycle_tour", {
    url: "/odoo",
    steps: () => [
        ...openCustomersApp(),
        {
            content: "The customers kanban shows every stage, even empty ones",
            trigger: ".o_kanban_group .o_column_title:contains(Potential)",
        },
        {
            content: "Create a customer",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Type the name of a company another salesperson already follows",
            trigger: ".o_field_widget[name=name] input",
            run: "edit TOUR RIVAL TRADING LIMITED",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The duplicate message names the owner and the stage",
            trigger: ".modal:contains(already exists, followed by Rita Rival):contains(Opportunity)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Discard the new customer",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "Back to the kanban",
            trigger: ".o_kanban_view .o_kanban_record:contains(Tour Own Prospect)",
            run: "click",
        },
        {
            content: "The form shows the customer's stage",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Pool)",
        },
        {
            content: "Move the customer forward to Qualified",
            trigger: ".o_statusbar_status button.o_arrow_button:contains(Qualified)",
            run: "click",
        },
        {
            content: "The customer is now Qualified",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Qualified)",
        },
        {
            content: "The move is on the timeline",
            trigger: ".o_notebook .nav-link:contains(Timeline)",
            run: "click",
        },
        {
            content: "The timeline lists the move",
            trigger: ".o_field_widget[name=crm_event_ids] .o_data_row:contains(Qualified)",
        },
    ],
});
