import { registry } from "@web/core/registry";

/** A customer votes for a published suggestion in the portal, with a comment, then submits a
 * suggestion of their own. */
registry.category("web_tour.tours").add("crm_service_suggestion_portal_tour", {
    url: "/my/suggestions",
    steps: () => [
        {
            content: "Open the published suggestion",
            trigger: "tr.o_crm_suggestion_row a:contains(Tour quieter fan)",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".o_crm_suggestion_vote_form textarea[name=comment]",
            run: "edit Our office is small and the fan is loud.",
        },
        {
            content: "Vote for it",
            trigger: "button.o_crm_suggestion_vote",
            run: "click",
        },
        {
            content: "The vote is recorded",
            trigger: ".o_crm_suggestion_voted",
        },
        {
            content: "Back to the suggestions",
            trigger: ".breadcrumb a[href='/my/suggestions']",
            run: "click",
        },
        {
            content: "Suggest an improvement",
            trigger: "a.o_crm_suggestion_new",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_crm_suggestion_form input[name=name]",
            run: "edit Tour dimmable display",
        },
        {
            content: "Explain it",
            trigger: ".o_crm_suggestion_form textarea[name=description]",
            run: "edit The display dazzles us at night.",
        },
        {
            content: "Send it",
            trigger: ".o_crm_suggestion_form button[type=submit]",
            run: "click",
        },
        {
            content: "The page of the new suggestion, asked for by the customer",
            trigger: ".o_crm_suggestion_page:has(h3:contains(Tour dimmable display)) .o_crm_suggestion_voted",
        },
    ],
});

/** The customer comes back: the suggestion they voted for shipped, with the decision note. */
registry.category("web_tour.tours").add("crm_service_suggestion_shipped_tour", {
    url: "/my/suggestions",
    steps: () => [
        {
            content: "The list shows the suggestion shipped",
            trigger: "tr.o_crm_suggestion_row:contains(Tour quieter fan) .o_crm_suggestion_state:contains(Shipped)",
        },
        {
            content: "Open it",
            trigger: "tr.o_crm_suggestion_row a:contains(Tour quieter fan)",
            run: "click",
        },
        {
            content: "The suggestion is shipped",
            trigger: ".o_crm_suggestion_page .o_crm_suggestion_state:contains(Shipped)",
        },
        {
            content: "The decision note is shown",
            trigger: ".o_crm_suggestion_decision:contains(The silent fan ships in release 7.)",
        },
        {
            content: "No vote form on a shipped suggestion",
            trigger: ".o_crm_suggestion_page:not(:has(.o_crm_suggestion_vote_form))",
        },
    ],
});
