import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** The steps every tour of the suite starts with: the apps menu, then the Customers app. */
export function openCustomersApp() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customers app",
            trigger: '.o_app[data-menu-xmlid="crm_lifecycle.crm_lifecycle_menu_root"]',
            run: "click",
        },
    ];
}

/** Open an entry of the Customers menu (``menuXmlid``), from inside the Customers app. */
export function openCustomersMenuItem(menuXmlid, content) {
    return [
        {
            content: "Open the Customers menu",
            trigger: '.o_menu_sections [data-menu-xmlid="crm_lifecycle.crm_lifecycle_partner_menu"]',
            run: "click",
        },
        {
            content,
            trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
    ];
}
