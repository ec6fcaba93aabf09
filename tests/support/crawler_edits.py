"""The crawler's offline edits (a part of Crawler, see crawler.py): forms reopened
offline get one field of each editable widget type changed as a user does, a record
is created per app, one archived and one deleted; what each edit should leave in the
database is written down, to be checked once back online."""
import json
import time
from dataclasses import dataclass

from .browser import SERVICES, BrowserError
from .crawl_place import Place

# Field widgets edited offline, each in the way a user does (see editSimple in crawler_edits.js).
EDITED_WIDGETS = ("char", "text", "html", "integer", "float", "monetary", "boolean", "selection",
                  "date", "datetime", "many2one", "many2many_tags", "priority", "statusbar")
# Fields whose change would move the record out of the crawl's way (archived) or start a
# server-side process by itself; the crawl leaves them alone.
UNTOUCHED_FIELDS = {"active", "company_id", "currency_id", "user_ids", "message_follower_ids"}


@dataclass
class Edit:
    model: str
    res_id: int
    field: str
    widget: str
    expected: object
    before: object = None


class OfflineEdits:
    """The edits of a Crawler (it brings tab, database, page, settle, check, errors)."""

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
