import { registry } from "@web/core/registry";
import {
    openCustomersApp,
    openCustomersMenuItem,
} from "@crm_lifecycle/../tests/tours/crm_lifecycle_tour_utils";

const CUSTOMER = "Tour Pool Trading Ltd";

registry.category("web_tour.tours").add("crm_pool_tour", {
    url: "/odoo",
    steps: () => [
        ...openCustomersApp(),
        ...openCustomersMenuItem("crm_lifecycle.crm_pool_public_menu", "Open the Public Pool"),
        {
            content: "The pool lists the customer with its previous owner and why it was released",
            trigger: `.o_list_view .o_data_row:contains(${CUSTOMER}):contains(Tour Previous Owner):contains(Moved to another supplier)`,
        },
        {
            content: "Open the customer",
            trigger: `.o_list_view .o_data_row:contains(${CUSTOMER}) td[name=display_name]`,
            run: "click",
        },
        {
            content: "Claim it",
            trigger: ".o_form_view .o_form_statusbar button[name=action_crm_claim]",
            run: "click",
        },
        {
            content: "Once claimed, the salesperson may release it",
            trigger: ".o_form_view .o_form_statusbar button[name=action_crm_release]",
        },
        {
            content: "Open the Ownership tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=crm_lifecycle_ownership]",
            run: "click",
        },
        {
            content: "The salesperson owns the customer now",
            trigger: ".o_form_view .o_notebook .o_field_widget[name=user_id]:contains(Pool Tour Seller)",
        },
        {
            content: "Log a call",
            trigger: ".o_form_view .o_form_statusbar button[name=action_crm_log_call]",
            run: "click",
        },
        {
            content: "Write what was said",
            trigger: ".modal .o_field_widget[name=summary] input",
            run: "edit Asked for the spring catalogue",
        },
        {
            content: "Log it",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The call is in the chatter",
            trigger: ".o-mail-Message:contains(Call: Asked for the spring catalogue)",
        },
        {
            content: "Release the customer",
            trigger: "body:not(:has(.modal)) .o_form_view .o_form_statusbar button[name=action_crm_release]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Not interested this year",
        },
        {
            content: "Release it",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The customer is back in the pool: anyone may claim it again",
            trigger: "body:not(:has(.modal)) .o_form_view .o_form_statusbar:not(:has(button[name=action_crm_release])) button[name=action_crm_claim]",
        },
    ],
});
