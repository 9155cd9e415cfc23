import { browser } from "@web/core/browser/browser";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import {
    openCustomersApp,
    openCustomersMenuItem,
} from "@crm_lifecycle/../tests/tours/crm_lifecycle_tour_utils";

// The spreadsheet is built by the Python test (test_customer_import_tour.py) and stored as a
// public attachment of this name: the tour gives it to the upload field as a user would.
const FILENAME = "crm_customer_import_tour.xlsx";
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async function uploadSpreadsheet(input) {
    const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
        model: "ir.attachment",
        method: "search_read",
        args: [[["name", "=", FILENAME]], ["id"]],
        kwargs: {},
    });
    const response = await fetch(`/web/content/${attachment.id}?download=true`);
    const file = new File([await response.blob()], FILENAME, { type: XLSX_TYPE });
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("crm_customer_import_tour", {
    url: "/odoo",
    steps: () => [
        ...openCustomersApp(),
        ...openCustomersMenuItem("crm_lifecycle.crm_customer_import_menu", "Open Import Customers"),
        {
            content: "The template can be downloaded before anything is uploaded",
            trigger: ".o_form_view .o_form_statusbar button[name=action_download_template]",
        },
        {
            content: "Upload the spreadsheet of prospects",
            trigger: ".o_form_view .o_field_widget[name=file] input[type=file]:not(:visible)",
            async run() {
                await uploadSpreadsheet(this.anchor);
            },
        },
        {
            content: "The file is uploaded",
            trigger: `.o_form_view .o_field_widget[name=file] input.o_input:value(${FILENAME})`,
        },
        {
            content: "Preview it",
            trigger: ".o_form_view .o_form_statusbar button[name=action_preview]",
            run: "click",
        },
        {
            content: "The header row and the columns were recognised",
            trigger: ".o_form_view .o_field_widget[name=column_ids] .o_data_row:contains(Company):contains(Company Name)",
        },
        {
            content: "The first rows are shown as they will be created",
            trigger: ".o_form_view .o_field_widget[name=preview_html] table.o_crm_import_valid tr:contains(Tour Import Alpha Ltd):contains(+48 600 300 101)",
        },
        {
            content: "The bad row is shown with its row number and why it will be skipped",
            trigger: ".o_form_view .o_field_widget[name=preview_html] table.o_crm_import_skipped tr:contains(4):contains(not a valid email address)",
        },
        {
            content: "Import",
            trigger: ".o_form_view .o_form_statusbar button[name=action_import]",
            run: "click",
        },
        {
            content: "The import is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
        {
            content: "Two customers were created",
            trigger: ".o_form_view .o_field_widget[name=created_count]:contains(2)",
        },
        {
            content: "One row was skipped",
            trigger: ".o_form_view .o_field_widget[name=skipped_count]:contains(1)",
        },
        {
            content: "The skipped row is listed on the import with its number and why",
            trigger: ".o_form_view .o_field_widget[name=error_ids] .o_data_row:contains(4):contains(not a valid email address)",
        },
        {
            content: "Download the error report",
            trigger: ".o_form_view .o_form_statusbar button[name=action_download_errors]",
            async run(actions) {
                const opened = [];
                const open = browser.open;
                browser.open = (url) => opened.push(url);
                try {
                    await actions.click();
                    for (let wait = 0; wait < 50 && !opened.length; wait++) {
                        await new Promise((resolve) => setTimeout(resolve, 100));
                    }
                } finally {
                    browser.open = open;
                }
                const [url] = opened;
                if (!url || !url.startsWith("/web/content/crm.customer.import/")) {
                    throw new Error(`The error report was not downloaded: ${url}`);
                }
                const response = await fetch(url);
                const disposition = response.headers.get("Content-Disposition") || "";
                if (!response.ok || !disposition.includes("errors.xlsx")) {
                    throw new Error(`The error report cannot be downloaded: ${response.status} ${disposition}`);
                }
            },
        },
    ],
});
