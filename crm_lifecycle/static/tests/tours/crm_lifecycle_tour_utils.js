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
