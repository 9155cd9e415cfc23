import { registry } from "@web/core/registry";
import {
    openCustomersApp,
    openCustomersMenuItem,
} from "@crm_lifecycle/../tests/tours/crm_lifecycle_tour_utils";

const CUSTOMER = "Tour Value Trading Ltd";

registry.category("web_tour.tours").add("crm_value_tab_tour", {
    url: "/odoo",
    steps: () => [
        ...openCustomersApp(),
        ...openCustomersMenuItem("crm_lifecycle.crm_lifecycle_my_partner_menu", "Open My Customers"),
        {
            content: "The customer's card shows its value class",
            trigger: `.o_kanban_record:contains(${CUSTOMER}) .o_field_widget[name=crm_value_abc_class]:contains(A)`,
        },
        {
            content: "Open the customer",
            trigger: `.o_kanban_record:contains(${CUSTOMER})`,
            run: "click",
        },
        {
            content: "Open the Value tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=crm_value]",
            run: "click",
        },
        {
            content: "The tab shows the class of the current company's score",
            trigger: ".o_form_view .o_notebook .o_field_widget[name=crm_value_score_abc_class]:contains(A)",
        },
        {
            content: "and the churn state",
            trigger: ".o_form_view .o_notebook .o_field_widget[name=crm_value_score_churn_state]:contains(Active)",
        },
        {
            content: "and the trend of the last snapshots",
            trigger: ".o_form_view .o_notebook .o_field_widget[name=crm_value_trend_svg] svg circle",
        },
        {
            content: "and why the score is what it is",
            trigger: ".o_form_view .o_notebook .o_crm_value_explanation h3:contains(Why this score?)",
        },
        {
            content: "The smart button opens the customer's scores",
            trigger: ".o-form-buttonbox button[name=action_crm_value_open_scores]",
            run: "click",
        },
        {
            content: "The ranking lists the customer's score",
            trigger: `.o_list_view .o_data_row:contains(${CUSTOMER})`,
        },
    ],
});
