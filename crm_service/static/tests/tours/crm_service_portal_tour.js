import { registry } from "@web/core/registry";

/** A customer files a case in the portal and writes in its thread, then confirms another case
 * is solved and rates the service. */
registry.category("web_tour.tours").add("crm_service_portal_tour", {
    url: "/my/complaints",
    steps: () => [
        {
            content: "File a new case",
            trigger: "a.o_crm_complaint_new",
            run: "click",
        },
        {
            content: "Say what it is about",
            trigger: ".o_crm_complaint_form input[name=subject]",
            run: "edit Tour kettle leaks",
        },
        {
            content: "Describe it",
            trigger: ".o_crm_complaint_form textarea[name=description]",
            run: "edit Water under the kettle since Monday.",
        },
        {
            content: "Send it",
            trigger: ".o_crm_complaint_form button[type=submit]",
            run: "click",
        },
        {
            content: "The case page shows the new case",
            trigger: "h3:contains(Tour kettle leaks)",
        },
        {
            content: "Write in the case's thread",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Here is the serial number: K-1234.",
        },
        {
            content: "Send the message",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is in the thread",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(K-1234)",
        },
        {
            content: "Back to the list of cases",
            trigger: ".breadcrumb a[href='/my/complaints']",
            run: "click",
        },
        {
            content: "Open the resolved case",
            trigger: "tr:contains(Tour toaster sparks) a",
            run: "click",
        },
        {
            content: "Confirm it is solved",
            trigger: "button.o_crm_complaint_solved",
            run: "click",
        },
        {
            content: "Rate the service: satisfied",
            trigger: ".o_crm_complaint_rate a:contains(Satisfied)",
            run: "click",
        },
        {
            content: "Send the rating",
            trigger: "form[action*='submit_feedback'] button[type=submit]",
            run: "click",
        },
        {
            content: "The rating is recorded",
            trigger: "body:not(:has(form[action*='submit_feedback']))",
        },
    ],
});
