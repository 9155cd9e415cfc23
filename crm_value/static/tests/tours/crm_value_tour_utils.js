import { openCustomersApp } from "@crm_lifecycle/../tests/tours/crm_lifecycle_tour_utils";

/** Open an entry of the Value menu (``menuXmlid``) of the Customers app, from anywhere. */
export function openValueMenuItem(menuXmlid, content) {
    return [
        ...openCustomersApp(),
        {
            content: "Open the Value menu",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_value.crm_value_menu"]',
            run: "click",
        },
        {
            content,
            trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}
