"""A crawler of the web client, after the idea of Odoo's own click-everywhere test:
it opens every menu entry of some apps, every view of each action, the first record
of each list or kanban and each notebook page of that form, and writes down what
each place shows. Walked again offline, every place must show the same content,
with no error; forms reopened offline are edited field by field (crawler_edits.py).

The page side (crawler_walk.js and crawler_edits.js, one script in the page) reads
the web client's own state (menus, the action shown, the form's record) so that each
step waits for what it needs, not a delay."""
import json
import os
from pathlib import Path

from .browser import BrowserError
from .crawl_place import Place
from .crawler_edits import OfflineEdits

_HERE = Path(__file__).parent
PAGE_HELPERS = (
    "window.offlineCrawl ??= (() => {\n"
    + (_HERE / "crawler_walk.js").read_text()
    + (_HERE / "crawler_edits.js").read_text()
    + """
return {
    switchView, menuId, currentModel, listRecordIds, listRowTexts, selectRow, setText, focusHtml, settle, content,
    appMenus, openMenu, viewSwitchers, openFirstRecord, notebookPages, openPage, shownErrors, closeDialogs,
    backToFirstBreadcrumb, editableFields, editSimple, relationalChoices, pickChoice, relationIds, fieldDomain,
    fieldType, currentTags, isDirty, recordOf, fieldValue: (name) => fieldValue(widgetOf(name)),
    outboxChanges: () => services().offline_outbox.state.changes.map((change) => change.uuid),
};
})();
"""
)


def _by_menu(places):
    """The places of the walk, in lists of those reached from the same menu entry."""
    groups = []
    for place in places:
        if not groups or (groups[-1][0].path, groups[-1][0].menu_id) != (place.path, place.menu_id):
            groups.append([])
        groups[-1].append(place)
    return groups


class Crawler(OfflineEdits):
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

    def menu_id(self, xmlid):
        return self.page(f"menuId({json.dumps(xmlid)})")
