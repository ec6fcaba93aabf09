// The crawler's page side, walking (concatenated with crawler_edits.js into one
// script by crawler.py, in the page as window.offlineCrawl): reads the web client's
// own state (menus, the action shown, the form's record) so that each step waits for
// what it needs, not a delay, and writes down what each place shows.
const services = () => odoo.__WOWL_DEBUG__.root.env.services;
const { rpcBus } = odoo.loader.modules.get("@web/core/network/rpc");
let pendingRequests = 0;
rpcBus.addEventListener("RPC:REQUEST", () => pendingRequests++);
rpcBus.addEventListener("RPC:RESPONSE", () => (pendingRequests = Math.max(0, pendingRequests - 1)));
let lastMutation = performance.now();
new MutationObserver(() => (lastMutation = performance.now())).observe(document.body, {
    subtree: true, childList: true, attributes: true, characterData: true,
});
const visible = (el) => el && el.offsetParent !== null;
const text = (el) => (el?.innerText || "").replace(/\s+/g, " ").trim();
const main = () => document.querySelector(".o_action_manager");
const dialog = () => [...document.querySelectorAll(".o_dialog .modal")].filter(visible).at(-1);
const scope = () => dialog() || main();
const isShown = (node) => Boolean(node.firstNode?.()?.isConnected);

/** The form controller shown (in a dialog if one is open), found in Owl's tree. */
function formController() {
    const inDialog = Boolean(dialog());
    const stack = [odoo.__WOWL_DEBUG__.root.__owl__];
    let found = null;
    while (stack.length) {
        const node = stack.pop();
        const component = node.component;
        if (component?.env?.config?.viewType === "form" && component.model?.root?.resModel
            && Boolean(component.env.inDialog) === inDialog && isShown(node)) {
            found = component;
        }
        stack.push(...Object.values(node.children));
    }
    return found;
}

/** Whether a field widget is of a type, or one made from it (CRM's stage: statusbar_duration). */
const widgetIs = (el, type) => [...el.classList].some((name) => name === `o_field_${type}`
    || (type === "statusbar" && name.startsWith("o_field_statusbar")));

function fieldValue(widget) {
    if (widget.querySelector(".o_field_x2many")) {
        // Its lines; not its controls ("Add a line" is not offered offline).
        return [...widget.querySelectorAll(".o_data_row, .o_kanban_record:not(.o_kanban_ghost)")].map(text);
    }
    const input = widget.querySelector("input:not([type=checkbox]), textarea, select");
    if (widget.querySelector("input[type=checkbox]")) {
        return widget.querySelector("input[type=checkbox]").checked;
    }
    if (widget.classList.contains("o_field_priority")) {
        return widget.querySelectorAll(".o_priority_star.fa-star").length;
    }
    if (widgetIs(widget, "statusbar")) {
        return text(widget.querySelector(".o_arrow_button_current"));
    }
    if (input && !widget.querySelector(".o_field_tags")) { // tags: their names, not the search input
        return input.tagName === "SELECT" ? input.selectedOptions[0]?.textContent.trim() : input.value;
    }
    return text(widget);
}

/** What the place shows, to be compared online and offline. */
function content() {
    const root = scope();
    const controller = services().action.currentController;
    const count = (selector) => [...root.querySelectorAll(selector)].filter(visible).length;
    const form = root.querySelector(".o_form_view");
    const shown = { view: dialog() ? "dialog" : controller?.view?.type || controller?.action?.tag || "?" };
    if (form) {
        shown.fields = {};
        for (const widget of form.querySelectorAll(".o_field_widget[name]")) {
            if (visible(widget) && !widget.closest(".o_field_x2many .o_field_widget")) {
                shown.fields[widget.getAttribute("name")] = fieldValue(widget);
            }
        }
        shown.record = formController()?.model.root.resId || false;
        return shown;
    }
    if (root.querySelector(".o_view_sample_data")) {
        shown.sample = true; // made-up records, different at each load
        return shown;
    }
    shown.rows = count(".o_data_row");
    shown.groups = count(".o_group_header, .o_kanban_group");
    shown.cards = count(".o_kanban_record:not(.o_kanban_ghost)");
    shown.cells = count(".o_pivot td, .o_pivot th");
    shown.events = count(".fc-event, .o_event");
    shown.charts = count(".o_graph_renderer canvas");
    shown.activities = count(".o_activity_view tbody tr");
    shown.empty = count(".o_view_nocontent");
    shown.text = text(root).length > 0;
    return shown;
}

/** Resolves once no request is under way and the page did not change for a while. */
async function settle(quietMs = 300, timeoutMs = 20000) {
    const start = performance.now();
    await new Promise(requestAnimationFrame);
    while (performance.now() - start < timeoutMs) {
        const quiet = performance.now() - lastMutation;
        if (!pendingRequests && quiet >= quietMs) {
            return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
}

/** The entries of an app that open an action, as [path, menu id, xmlid], in menu order. */
function appMenus(appXmlid) {
    const menus = services().menu;
    const app = menus.getApps().find((menu) => menu.xmlid === appXmlid);
    const entries = [];
    const walk = (menu, path) => {
        const tree = menus.getMenuAsTree(menu.id);
        const here = [...path, menu.name];
        if (menu.actionID && !tree.childrenTree?.length) {
            entries.push([here.join(" › "), menu.id, menu.xmlid]);
        }
        for (const child of tree.childrenTree || []) {
            walk(child, here);
        }
    };
    if (app) {
        walk(app, []);
    }
    return entries;
}

/** Opens a menu entry the way the navigation bar does; answers the error it met, if any. */
async function openMenu(menuId) {
    try {
        await services().menu.selectMenu(menuId);
    } catch (error) {
        return String(error?.message || error);
    }
    return null;
}

/** The types of the view switcher, with whether each is grayed out. */
function viewSwitchers() {
    return [...main().querySelectorAll(".o_control_panel .o_switch_view")].map((button) => [
        [...button.classList].find((name) => name.startsWith("o_") && !["o_switch_view", "o_offline_unavailable"].includes(name)).slice(2),
        button.classList.contains("o_offline_unavailable"),
    ]);
}

const shownView = () => (dialog() ? "dialog" : services().action.currentController?.view?.type);

/** Resolves to whether `isShown(view type)` came true within the time given: a view
 * served from the browser's storage comes after a wait no request marks. */
async function waitForView(isShown, timeoutMs = 15000) {
    const start = performance.now();
    while (!isShown(shownView())) {
        if (performance.now() - start > timeoutMs) {
            return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
}

function switchView(type) {
    main().querySelector(`.o_control_panel .o_switch_view.o_${type}`).click();
    return waitForView((view) => view === type);
}

/** Whether the records of the list or kanban shown open through a method of the server. */
function opensThroughServer() {
    const stack = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (stack.length) {
        const node = stack.pop();
        const component = node.component;
        if (["list", "kanban"].includes(component?.env?.config?.viewType) && component.archInfo && isShown(node)) {
            return component.archInfo.openAction?.type === "object";
        }
        stack.push(...Object.values(node.children));
    }
    return false;
}

async function openFirstRecord() {
    const root = main();
    if (root.querySelector(".o_view_sample_data, .o_view_nocontent")) {
        return false; // the rows of an empty view's sample, not records
    }
    if (opensThroughServer()) {
        return false; // a server call, refused offline as buttons are (Sales' reporting)
    }
    const target = root.querySelector(".o_list_view .o_data_row .o_data_cell:not(.o_list_record_selector)")
        || root.querySelector(".o_kanban_view .o_kanban_record:not(.o_kanban_ghost)");
    if (!target) {
        return false;
    }
    const shownBefore = services().action.currentController;
    target.click();
    if (await waitForView((view) => view === "form")) {
        return true;
    }
    if (services().action.currentController !== shownBefore) {
        // It opened another action (a project opens its tasks): back to the view.
        await backToFirstBreadcrumb();
    }
    return false;
}

function notebookPages() {
    return [...scope().querySelectorAll(".o_notebook .nav-link")].filter(visible).map(text);
}

function openPage(label) {
    const link = [...scope().querySelectorAll(".o_notebook .nav-link")].find((el) => text(el) === label);
    link?.click();
    return Boolean(link);
}

/** Errors shown by the page: error dialogs (closed once read) and notifications. */
function shownErrors() {
    const errors = [];
    for (const modal of document.querySelectorAll(".o_dialog .modal")) {
        const title = text(modal.querySelector(".modal-title"));
        if (modal.querySelector(".o_error_dialog") || /Oops|Error/.test(title)) {
            errors.push(`${title}: ${text(modal.querySelector(".modal-body")).slice(0, 300)}`);
            modal.querySelector(".btn-close, .modal-footer .btn-primary")?.click();
        }
    }
    for (const notification of document.querySelectorAll(".o_notification")) {
        errors.push(`notification: ${text(notification).slice(0, 200)}`);
        notification.querySelector(".o_notification_close, .btn-close")?.click();
    }
    return errors;
}

function closeDialogs() {
    for (const modal of document.querySelectorAll(".o_dialog .modal")) {
        modal.querySelector(".btn-close, .modal-footer .btn-secondary")?.click();
    }
}

function backToFirstBreadcrumb() {
    const shownBefore = services().action.currentController;
    const link = main().querySelector(".o_breadcrumb .breadcrumb-item a, .o_breadcrumb .o_back_button a");
    link?.click();
    return Boolean(link) && waitForView(() => services().action.currentController !== shownBefore);
}
