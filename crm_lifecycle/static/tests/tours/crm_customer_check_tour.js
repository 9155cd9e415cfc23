import { registry } from "@web/core/registry";
import {
    openCustomersApp,
    openCustomersMenuItem,
} from "@crm_lifecycle/../tests/tours/crm_lifecycle_tour_utils";

registry.category("web_tour.tours").add("crm_customer_check_tour", {
    url: "/odoo",
    steps: () => [
        ...openCustomersApp(),
        ...openCustomersMenuItem("crm_lifecycle.crm_lifecycle_customer_check_menu", "Open Check Customer"),
        {
            content: "Type the name of a customer another salesperson follows",
            trigger: ".modal .o_field_widget[name=query] input",
            run: "edit Acme Tour Limited",
        },
        {
            content: "Check it",
            trigger: ".modal button[name=action_check]",
            run: "click",
        },
        {
            content: "The customer is found with its owner, and cannot be opened",
            trigger: ".modal .o_field_widget[name=result_ids] .o_data_row:contains(ACME Tour Sp. z o.o.):contains(Tour Alice):not(:has(button[name=action_open]))",
        },
        {
            content: "The salesperson is told to ask",
            trigger: ".modal .alert-warning:visible",
        },
        {
            content: "Type a new company",
            trigger: ".modal .o_field_widget[name=query] input",
            run: "edit Brand New Tour GmbH",
        },
        {
            content: "Check it",
            trigger: ".modal button[name=action_check]",
            run: "click",
        },
        {
            content: "Nobody follows it: it may be entered",
            trigger: ".modal .alert-success:visible",
        },
        {
            content: "Enter it",
            trigger: ".modal button[name=action_create_customer]",
            run: "click",
        },
        {
            content: "The form of the new customer has the typed name",
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Brand New Tour GmbH)",
        },
    ],
});
