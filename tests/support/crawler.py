"""A crawler of the web client, after the idea of Odoo's own click-everywhere test:
it opens every menu entry of some apps, every view of each action, the first record
of each list or kanban and each notebook page of that form, and writes down what
each place shows. Walked again offline, every place must show the same content,
with no error; forms reopened offline are edited field by field.

The page side (PAGE_HELPERS) reads the web client's own state (menus, the action
shown, the form's record) so that each step waits for what it needs, not a delay."""
import json
import os
import time
from dataclasses import dataclass, field

from .browser import SERVICES, BrowserError

# Field widgets edited offline, each in the way a user does (see PAGE_HELPERS.edit).
EDITED_WIDGETS = ("char", "text", "html", "integer", "float", "monetary", "boolean", "selection",
                  "date", "datetime", "many2one", "many2many_tags", "priority", "statusbar")
# Fields whose change would move the record out of the crawl's way (archived) or start a
# server-side process by itself; the crawl leaves them alone.
UNTOUCHED_FIELDS = {"active", "company_id", "currency_id", "user_ids", "message_follower_ids"}

PAGE_HELPERS = r"""
window.offlineCrawl ??= (() => {
    const DATE_TYPED = "01/15/2026";
    const DATE_STORED = "2026-01-15";
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

    // ---- offline edits: one editable field of each widget type, as a user makes it ----

    const editable = (widget) => visible(widget) && !widget.classList.contains("o_readonly_modifier")
        && !widget.closest(".o_field_x2many .o_field_widget, .o_field_one2many, .o_field_many2many:not(.o_field_many2many_tags)");

    /** The editable fields of the form shown, one per widget type among `widgets`: [widget, name, type]. */
    function editableFields(widgets, untouched) {
        const record = formController()?.model.root;
        const seen = new Set();
        const fields = [];
        for (const el of scope().querySelectorAll(".o_form_view .o_field_widget[name]")) {
            const name = el.getAttribute("name");
            const widget = widgets.find((type) => widgetIs(el, type));
            if (!widget || seen.has(widget) || untouched.includes(name) || !editable(el) || !record?.fields[name]) {
                continue;
            }
            if (widget === "statusbar" && !el.querySelector(".o_arrow_button[data-value]:not(.o_arrow_button_current):not([disabled])")) {
                continue;
            }
            seen.add(widget);
            fields.push([widget, name, record.fields[name].type, record.fields[name].relation || null]);
        }
        return fields;
    }

    const widgetOf = (name) => scope().querySelector(`.o_form_view .o_field_widget[name='${name}']`);

    function typeInto(input, value) {
        input.focus();
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.blur();
    }

    /** Changes a field that needs no choice from a list; answers the value the server should hold. */
    function editSimple(widget, name, token) {
        const el = widgetOf(name);
        if (!el) {
            return undefined; // hidden by an edit made just before (a product no longer sold)
        }
        const input = el.querySelector("input:not([type=checkbox]), textarea");
        switch (widget) {
            case "char": case "text":
                typeInto(input, `Offline ${token}`);
                return `Offline ${token}`;
            case "integer":
                typeInto(input, "7");
                return 7;
            case "float": case "monetary":
                typeInto(input, "42.5");
                return 42.5;
            case "date":
                typeInto(input, DATE_TYPED);
                return DATE_STORED;
            case "datetime":
                typeInto(input, `${DATE_TYPED} 10:00:00`);
                return DATE_STORED;
            case "boolean": {
                const box = el.querySelector("input[type=checkbox]");
                box.click();
                return box.checked;
            }
            case "selection": {
                const select = el.querySelector("select");
                const option = [...select.options].find((o) => !o.selected && o.value !== "false");
                if (!option) return undefined;
                select.value = option.value;
                select.dispatchEvent(new Event("change", { bubbles: true }));
                return JSON.parse(option.value);
            }
            case "priority": {
                const stars = [...el.querySelectorAll(".o_priority_star")];
                const star = stars.at(-1).classList.contains("fa-star") ? stars[0] : stars.at(-1);
                star.click();
                return { changed: true };
            }
            case "statusbar": {
                // The stage next to the current one (the buttons come in reverse order): the
                // first would be "Won", which the server follows with its own probability.
                const button = [...el.querySelectorAll(".o_arrow_button[data-value]:not(.o_arrow_button_current):not([disabled])")].at(-1);
                button.click();
                return JSON.parse(JSON.stringify(button.dataset.value ?? null));
            }
        }
        return undefined;
    }

    /** The choices the autocompletion of a relational field offers, without Create / Search More. */
    function relationalChoices(name) {
        return [...widgetOf(name).querySelectorAll(".o-autocomplete--dropdown-item")]
            .filter((item) => !item.querySelector(".o_m2o_dropdown_option, .o_m2o_start_typing")
                && !item.classList.contains("o_m2o_dropdown_option") && !/^(Create|Search More)/.test(text(item)))
            .map(text).filter((label) => label && label !== "No records");
    }

    function pickChoice(name, label) {
        const item = [...widgetOf(name).querySelectorAll(".o-autocomplete--dropdown-item")].find((el) => text(el) === label);
        item?.querySelector("a, .dropdown-item")?.click() ?? item?.click();
        return Boolean(item);
    }

    /** The ids a relational field of the form's record holds. */
    function relationIds(name) {
        const value = formController()?.model.root.data[name];
        if (Array.isArray(value)) {
            return value[0] ? [value[0]] : []; // a many2one: [id, name]
        }
        return value?.currentIds ? [...value.currentIds] : [];
    }

    /** The domain of a relational field of the form's record, evaluated as its widget does. */
    function fieldDomain(name) {
        const record = formController()?.model.root;
        const { getFieldDomain } = odoo.loader.modules.get("@web/model/relational_model/utils");
        const { evaluateExpr } = odoo.loader.modules.get("@web/core/py_js/py");
        const inView = record.activeFields[name]?.domain;
        return getFieldDomain(record, name, inView && (() => evaluateExpr(inView, record.evalContext)));
    }

    function fieldType(name) {
        return formController()?.model.root.fields[name]?.type;
    }

    function currentTags(name) {
        return [...widgetOf(name).querySelectorAll(".o_tag")].map(text);
    }

    function isDirty() {
        return formController()?.model.root.dirty ?? false;
    }

    function recordOf() {
        const record = formController()?.model.root;
        return record ? [record.resModel, record.resId || false] : null;
    }

    const currentModel = () => services().action.currentController?.props.resModel;

    function menuId(xmlid) {
        return Object.values(services().menu.getAll()).find((menu) => menu.xmlid === xmlid)?.id;
    }

    /** The ids of the rows of the list shown, in their order. */
    function listRecordIds() {
        const stack = [odoo.__WOWL_DEBUG__.root.__owl__];
        while (stack.length) {
            const node = stack.pop();
            const component = node.component;
            if (component?.env?.config?.viewType === "list" && component.model?.root?.records && isShown(node)) {
                return component.model.root.records.map((record) => record.resId);
            }
            stack.push(...Object.values(node.children));
        }
        return [];
    }

    const listRowTexts = () => [...main().querySelectorAll(".o_data_row")].map(text);

    function selectRow(index) {
        main().querySelectorAll(".o_data_row")[index].querySelector(".o_list_record_selector input").click();
    }

    function setText(name, value) {
        typeInto(widgetOf(name).querySelector("input, textarea"), value);
    }

    /** Puts the caret at the end of an html field, where the crawler then types. */
    function focusHtml(name) {
        const editable = widgetOf(name).querySelector(".odoo-editor-editable, [contenteditable=true]");
        if (!editable) return false;
        editable.focus();
        const range = document.createRange();
        range.selectNodeContents(editable);
        range.collapse(false);
        const selection = document.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        return true;
    }

    return {
        switchView, menuId, currentModel, listRecordIds, listRowTexts, selectRow, setText, focusHtml, settle, content, appMenus, openMenu, viewSwitchers, openFirstRecord, notebookPages, openPage,
        shownErrors, closeDialogs, backToFirstBreadcrumb, editableFields, editSimple, relationalChoices,
        pickChoice, relationIds, fieldDomain, fieldType, currentTags, isDirty, recordOf, fieldValue: (name) => fieldValue(widgetOf(name)),
        outboxChanges: () => services().offline_outbox.state.changes.map((change) => change.uuid),
    };
})();
"""


@dataclass
class Place:
    """Somewhere the crawl went: how it got there, and what it showed online."""
    path: str
    menu_id: int
    view: str = None          # view type switched to; None for the menu's own view
    record: bool = False      # the first record of that view
    page: str = None          # notebook page of that record
    shown: dict = field(default_factory=dict)

    @property
    def name(self):
        return " › ".join(filter(None, [self.path, self.view, self.record and "first record", self.page]))


def _by_menu(places):
    """The places of the walk, in lists of those reached from the same menu entry."""
    groups = []
    for place in places:
        if not groups or (groups[-1][0].path, groups[-1][0].menu_id) != (place.path, place.menu_id):
            groups.append([])
        groups[-1].append(place)
    return groups


@dataclass
class Edit:
    model: str
    res_id: int
    field: str
    widget: str
    expected: object
    before: object = None


class Crawler:
    """Walks the web client of one tab; `errors` collects what went wrong, by place.
    `database`: a session of the same user on the server, to read what the database holds."""

    def __init__(self, tab, database):
        self.tab = tab
        self.database = database
        self.online = True
        self.where = "start"
        self.errors = []
        self.console_errors = []
        self.edits = []
        self.edited_records = set()
        tab.on_event["Runtime.consoleAPICalled"] = self._on_console

    def _on_console(self, params):
        if params.get("type") == "error":
            self.console_errors.append(" ".join(
                str(arg.get("value", arg.get("description", "")))[:300] for arg in params["args"]))

    def page(self, call):
        """Runs `offlineCrawl.<call>` in the page, installing the helpers first when needed."""
        try:
            return self.tab.evaluate(f"{PAGE_HELPERS}\nwindow.offlineCrawl.{call}")
        except BrowserError as error:  # said without the helpers' source, which the message repeats
            raise BrowserError(f"offlineCrawl.{call} raised {str(error).rpartition(' raised ')[2]}") from None

    def settle(self):
        if not self.page("settle()"):
            self.errors.append((self.where, "the page did not settle within 20 s"))

    def check(self, where):
        """Collects the errors the page shows or threw since the last check."""
        for error in self.page("shownErrors()"):
            self.errors.append((where, error))
        for exception in self.tab.exceptions:
            self.errors.append((where, "uncaught: " + json.dumps(exception.get("exception", {}).get(
                "description") or exception.get("text"))[:400]))
        self.tab.exceptions.clear()
        for message in self.console_errors:
            self.errors.append((where, "console error: " + message))
        self.console_errors.clear()

    def arrive(self, place):
        """Waits for the place, checks it, and answers what it shows."""
        self.where = place.name
        self.settle()
        shown = self.page("content()")
        self.check(place.name)
        print(f"{'online ' if self.online else 'offline'} {place.name}: "
              + ", ".join(f"{key}={value}" for key, value in shown.items() if key != "fields" and value)
              + (f", {len(shown['fields'])} fields" if "fields" in shown else ""))
        return shown

    # ---- the walk ----

    def menu_entries(self, app_xmlid):
        return self.page(f"appMenus({json.dumps(app_xmlid)})")

    def open_menu(self, path, menu_id):
        self.page("closeDialogs()")
        self.where = path
        error = self.page(f"openMenu({menu_id})")
        if error:
            self.errors.append((path, f"the menu did not open: {error}"))
        return not error

    def walk_online(self, app_xmlids):
        """Opens every place online; answers them with what each showed."""
        places = []
        for app in app_xmlids:
            for path, menu_id, _xmlid in self.menu_entries(app):
                try:
                    places += self._walk_menu_online(path, menu_id)
                except BrowserError as error:  # the page stopped answering as expected: next menu
                    self.errors.append((path, str(error)[:300]))
        return places

    def _walk_menu_online(self, path, menu_id):
        if not self.open_menu(path, menu_id):
            return []
        place = Place(path, menu_id)
        place.shown = self.arrive(place)
        places = [place]
        own_view = place.shown["view"]
        if own_view in ("form", "dialog"):
            return places + self._walk_pages(place)
        switchers = [view for view, _grayed in self.page("viewSwitchers()")]
        record_opened = False
        for view in [own_view, *(view for view in switchers if view != own_view)]:
            switched = None if view == own_view else view
            if switched:
                place = Place(path, menu_id, view=switched)
                self.page(f"switchView({json.dumps(switched)})")
                place.shown = self.arrive(place)
                places.append(place)
            if view in ("list", "kanban") and not record_opened and self.page("openFirstRecord()"):
                record_opened = True
                record = Place(path, menu_id, view=switched, record=True)
                record.shown = self.arrive(record)
                places += [record, *self._walk_pages(record)]
                self.leave_record()
        return places

    def _walk_pages(self, place):
        pages = []
        for label in self.page("notebookPages()")[1:]:
            self.page(f"openPage({json.dumps(label)})")
            page = Place(place.path, place.menu_id, view=place.view, record=place.record, page=label)
            page.shown = self.arrive(page)
            pages.append(page)
        return pages

    def leave_record(self):
        """Back from a record to the view it was opened from."""
        self.page("backToFirstBreadcrumb()")
        self.settle()
        if self.page("content()")["view"] == "form":
            self.errors.append((self.where, "could not go back from the record to its view"))

    def walk_offline(self, places, screenshots=None):
        """Reopens each place opened online, in the same order, comparing what it shows.
        Answers the places reopened with the same content. With `screenshots` (a folder),
        the first place of each kind of view is photographed there."""
        self.online = False
        reopened = []
        photographed = set()
        for menu_places in _by_menu(places):
            in_record = False
            for place in menu_places:
                try:
                    if place is menu_places[0]:
                        if not self.open_menu(place.path, place.menu_id):
                            break
                    elif not place.page and in_record:
                        in_record = False
                        self.leave_record()
                    if not self._reach(place):
                        continue
                    in_record = in_record or place.record
                    shown = self.arrive(place)
                except BrowserError as error:  # the page stopped answering as expected: next menu
                    self.errors.append((place.name, str(error)[:300]))
                    break
                if self._same_content(place, shown):
                    reopened.append(place)
                if screenshots and shown["view"] not in photographed:
                    photographed.add(shown["view"])
                    self.tab.screenshot(os.path.join(screenshots, f"crawl_offline_{shown['view']}.png"))
        return reopened

    def _reach(self, place):
        """From the place before it in the walk, goes to `place` as the online walk did."""
        if place.page:
            if not self.page(f"openPage({json.dumps(place.page)})"):
                self.errors.append((place.name, "the notebook page is missing offline"))
                return False
        elif place.record:
            if not self.page("openFirstRecord()"):
                self.errors.append((place.name, "no record to open offline"))
                return False
        elif place.view:
            return self.switch_view(place)
        return True

    def switch_view(self, place):
        grayed = dict(self.page("viewSwitchers()")).get(place.view)
        if grayed is None or grayed:
            self.errors.append((place.name, "view switcher " + ("missing" if grayed is None else "grayed out")
                                + " offline although opened online"))
            return False
        self.page(f"switchView({json.dumps(place.view)})")
        return True

    def _same_content(self, place, shown):
        online = place.shown
        differences = {key: (online.get(key), shown.get(key)) for key in online.keys() | shown.keys()
                       if key != "fields" and online.get(key) != shown.get(key)}
        for name, value in (online.get("fields") or {}).items():
            offline_value = (shown.get("fields") or {}).get(name, "<missing>")
            if offline_value != value:
                differences[name] = (value, offline_value)
        if differences:
            self.errors.append((place.name, f"differs offline (online, offline): {differences}"))
        return not differences

    # ---- offline edits ----

    def edit_forms(self, places, token):
        """Reopens each record form of the walk offline and changes one field of each edited
        widget type, then saves."""
        for place in places:
            if not place.record or place.page or not self.open_menu(place.path, place.menu_id):
                continue
            self.settle()
            if place.view and not self.switch_view(place):
                continue
            self.settle()
            if not self._reach(Place(place.path, place.menu_id, record=True)):
                continue
            self.where = place.name + " (edit)"
            self.settle()
            model, res_id = self.page("recordOf()") or (None, None)
            if res_id and (model, res_id) not in self.edited_records:
                self.edited_records.add((model, res_id))
                try:
                    self._edit_record(place, model, res_id, token)
                except BrowserError as error:
                    self.errors.append((self.where, str(error)[:300]))

    def _edit_record(self, place, model, res_id, token):
        widgets = list(EDITED_WIDGETS)
        for page in [None, *self.page("notebookPages()")]:
            if page:
                self.page(f"openPage({json.dumps(page)})")
                self.settle()
            for widget, name, _type, relation in self.page(
                    f"editableFields({json.dumps(widgets)}, {json.dumps(sorted(UNTOUCHED_FIELDS))})"):
                if relation == model:
                    continue  # a parent: the first choice may be the record itself or its child
                before = self.database.call_kw(model, "web_read", [[res_id]],
                                               {"specification": {name: {}}})[0][name]
                expected = self._edit_field(widget, name, f"{token}-{len(self.edits)}", relation)
                if expected is None:
                    continue
                widgets.remove(widget)
                self.edits.append(Edit(model, res_id, name, widget, expected, before))
                self.settle()
                if widget == "statusbar":
                    break  # it saves the record and may change what the form shows
        if self.page("isDirty()"):
            self.tab.click(".o_form_button_save")
            self.settle()
        if self.page("isDirty()"):
            self.errors.append((place.name + " (edit)", "the record could not be saved offline"))
        self.check(place.name + " (edit)")

    def _edit_field(self, widget, name, token, relation):
        if widget in ("many2one", "many2many_tags"):
            return self._choose(widget, name, relation=relation)
        if widget == "html":
            if not self.page(f"focusHtml({json.dumps(name)})"):
                return None
            self.tab.send("Input.insertText", text=f" Offline {token}")
            # Leaving the editor commits its text, as a user's next click does.
            self.tab.evaluate("document.activeElement.blur()")
            return f"Offline {token}"
        return self.page(f"editSimple({json.dumps(widget)}, {json.dumps(name)}, {json.dumps(token)})")

    def _choose(self, widget, name, typed="", relation=None):
        """Types in a relational field and picks the first offered choice it does not hold yet;
        answers its label and the ids the field then holds that it did not before."""
        current = self.page(f"fieldValue({json.dumps(name)})")
        tags = self.page(f"currentTags({json.dumps(name)})") if widget == "many2many_tags" else []
        ids_before = self.page(f"relationIds({json.dumps(name)})")
        selector = f".o_form_view .o_field_widget[name='{name}'] input"
        self.tab.wait_for(selector)
        self.tab.evaluate(f"document.querySelector({json.dumps(selector)}).focus(); "
                          f"document.querySelector({json.dumps(selector)}).select()")
        if typed:
            self.tab.send("Input.insertText", text=typed)
        else:  # an empty search: what the field offers when clicked
            self.tab.evaluate(f"document.querySelector({json.dumps(selector)}).value = ''; document.querySelector("
                              f"{json.dumps(selector)}).dispatchEvent(new Event('input', {{bubbles: true}}))")
        deadline = time.monotonic() + 5
        choices = []
        while time.monotonic() < deadline and not choices:
            time.sleep(0.2)
            choices = [label for label in self.page(f"relationalChoices({json.dumps(name)})")
                       if label != current and label not in tags]
        if not choices:
            domain = self.page(f"fieldDomain({json.dumps(name)})")
            if relation and self.database.call_kw(relation, "search_count", [domain]) > len(ids_before):
                self.errors.append((self.where, f"{widget} '{name}' offers no choice offline"))
            self.tab.send("Input.dispatchKeyEvent", type="keyDown", key="Escape", code="Escape",
                          windowsVirtualKeyCode=27)
            return None
        self.page(f"pickChoice({json.dumps(name)}, {json.dumps(choices[0])})")
        deadline = time.monotonic() + 5
        ids = ids_before
        while time.monotonic() < deadline and ids == ids_before:
            time.sleep(0.1)
            ids = self.page(f"relationIds({json.dumps(name)})")
        return {"label": choices[0], "ids": sorted(set(ids) - set(ids_before))}

    def menu_id(self, xmlid):
        return self.page(f"menuId({json.dumps(xmlid)})")

    def open_list(self, menu_id, xmlid):
        """Opens the menu entry, in its list view."""
        if not self.open_menu(xmlid, menu_id):
            return False
        self.settle()
        if self.page("content()")["view"] != "list":
            if not self.switch_view(Place(xmlid, menu_id, view="list")):
                return False
            self.settle()
        return True

    def create_record(self, menu_id, xmlid, values, back_to_list=False):
        """Creates a record from the list of a menu entry: New, the values typed, Save; then,
        when asked, back to the list, where it must be listed. Answers whether it was saved."""
        self.where = f"{xmlid} › new record"
        try:
            return self._create_record(menu_id, xmlid, values, back_to_list)
        except BrowserError as error:
            self.errors.append((self.where, f"{str(error)[-300:]} on {self.page('content()')}"))
            return False

    def _create_record(self, menu_id, xmlid, values, back_to_list):
        if not self.open_list(menu_id, xmlid):
            return False
        rows_before = len(self.page("listRecordIds()"))
        self.tab.click(".o_control_panel .o_list_button_add")
        self.settle()
        for name, value in values.items():
            if self.page(f"fieldType({json.dumps(name)})") == "many2one":  # whatever its widget
                self._choose("many2one", name, typed=value)
            else:
                self.page(f"setText({json.dumps(name)}, {json.dumps(value)})")
            self.settle()
        self.tab.click(".o_form_button_save")
        self.settle()
        saved = not self.page("isDirty()")
        if not saved:
            self.errors.append((self.where, f"could not be saved: {self.page('content()')}"))
        if back_to_list:
            self.leave_record()
            rows_after = len(self.page("listRecordIds()"))
            if rows_after != rows_before + 1:
                self.errors.append((self.where, f"the list holds {rows_after} rows after the creation, "
                                    f"{rows_before} before"))
        self.check(self.where)
        return saved

    def archive_or_delete(self, menu_id, xmlid, action, named):
        """Selects the row showing `named` (a record the crawl made online, not edited
        since), runs `action` ("Archive" or "Delete") from the Actions menu and confirms.
        Answers (model, id) done."""
        self.where = f"{xmlid} › {action.lower()}"
        try:
            return self._archive_or_delete(menu_id, xmlid, action, named)
        except BrowserError as error:
            self.errors.append((self.where, str(error)[-300:]))
            return None

    def _archive_or_delete(self, menu_id, xmlid, action, named):
        if not self.open_list(menu_id, xmlid):
            return None
        ids = self.page("listRecordIds()")
        texts = self.page("listRowTexts()")
        model = self.page("currentModel()")
        candidates = [(index, res_id) for index, (res_id, row) in enumerate(zip(ids, texts, strict=True))
                      if named in row and isinstance(res_id, int) and (model, res_id) not in self.edited_records]
        if not candidates:
            self.errors.append((self.where, "no row to act on"))
            return None
        index, res_id = candidates[-1]
        self.page(f"selectRow({index})")
        self.settle()
        self.tab.click(".o_control_panel .o_cp_action_menus button")
        self.tab.click(".o-dropdown--menu .o-dropdown-item, .o-dropdown--menu .dropdown-item", text=action)
        self.tab.click(".modal-footer .btn-primary")
        self.settle()
        remaining = self.page("listRecordIds()")
        if res_id in remaining:
            self.errors.append((self.where, f"record {res_id} still listed"))
        self.check(self.where)
        self.edited_records.add((model, res_id))
        return model, res_id

    def outbox(self):
        return self.page("outboxChanges()")

    def wait_for_empty_outbox(self, timeout):
        """Answers the changes still in the outbox after `timeout` (none once all synced)."""
        try:
            self.tab.wait_for_js(f"{SERVICES}.offline_outbox.state.changes.length === 0", timeout)
            return []
        except BrowserError:
            return self.tab.evaluate(f"{SERVICES}.offline_outbox.state.changes.map("
                                     "(c) => [c.model, c.operation, c.resId, c.status, c.error?.message])")
