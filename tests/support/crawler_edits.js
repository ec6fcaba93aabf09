// The crawler's page side, editing (see crawler_walk.js): one editable field of
// each widget type changed as a user does, and what the form then holds.
const DATE_TYPED = "01/15/2026";
const DATE_STORED = "2026-01-15";

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
