"""The user's story, end to end: a real Odoo server, real headless Chromium
driven through the DevTools protocol, the network cut by DevTools emulation."""
import os
import time
import uuid

SYNC_TIMEOUT = 60




def _open_form(tab, server, action, res_id):
    tab.goto(f"{server.url}/odoo/action-{action}/{res_id}")
    tab.wait_for(".o_form_view .o_form_saved, .o_form_view .o_form_status_indicator")


def _wait_for_stored_name(tab, server, uid, model, res_id):
    """Wait until the browser keeps the name of a record (the choices of relational fields offline)."""
    database = f"offline_mode:{server.database}:{uid}"
    tab.wait_for_js(f"""(() => {{
        window.__storedName = window.__storedName ?? null;
        const request = indexedDB.open({database!r});
        request.onsuccess = () => {{
            const db = request.result;
            try {{
                const get = db.transaction("record_names").objectStore("record_names").get([{model!r}, {res_id}]);
                get.onsuccess = () => {{ window.__storedName = get.result?.name ?? null; db.close(); }};
            }} catch {{ db.close(); }}
        }};
        return window.__storedName;
    }})()""", timeout=30)


def test_documented_scenario_salesperson_and_revenue_changed_offline_reach_the_database(
        server, admin, browser, db_rows, wait_for_rows, log_dir, report):
    """The README's example, on the demo opportunity: the Salesperson is set offline to
    someone never typed online (the form, opened online, fetched its choices)."""
    demo_uid = admin.call_kw("ir.model.data", "check_object_reference", ["base", "user_demo"])[1]
    name = "Office Design and Architecture"
    [lead] = admin.call_kw("crm.lead", "search", [[("name", "=", name)]])
    assert db_rows("SELECT expected_revenue::int, user_id FROM crm_lead WHERE id = %s", [lead]) == [(9000, admin.uid)]
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())

    # Online: the opportunity is opened, nothing is typed in it.
    _open_form(tab, server, "crm.crm_lead_action_pipeline", lead)
    _wait_for_stored_name(tab, server, admin.uid, "res.users", demo_uid)

    # Offline: both fields are changed and saved.
    tab.set_offline(True)
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)
    tab.fill(".o_field_widget[name=expected_revenue] input", "15000")
    tab.fill(".o_field_widget[name=user_id] input", "marc")
    tab.wait_for(".o-autocomplete--dropdown-menu .dropdown-item", text="Marc Demo")
    offered = tab.evaluate("[...document.querySelectorAll('.o-autocomplete--dropdown-menu .dropdown-item')]"
                           ".map(item => item.textContent.trim())")
    assert "Marc Demo" in offered and not any(
        label.startswith(("Create", "Search More")) for label in offered), offered
    tab.screenshot(os.path.join(log_dir, "end_to_end_salesperson_choices_offline.png"))
    tab.click(".o-autocomplete--dropdown-menu .dropdown-item", text="Marc Demo")
    tab.click(".o_form_button_save")
    tab.wait_for(".o_form_view .o_offline_mode_pending", text="Not synced yet")

    # The dropdown lists the change; its tooltip shows both fields, old → new.
    tab.click(".o_offline_mode_systray_toggler")
    tab.wait_for(".o_offline_mode_change", text=name)
    tab.hover(".o_offline_mode_change .o_offline_mode_change_tag")
    tab.wait_for(".o_offline_mode_edited_tooltip", text="Salesperson: Mitchell Admin → Marc Demo")
    tooltip = tab.evaluate("document.querySelector('.o_offline_mode_edited_tooltip').innerText")
    assert "Expected Revenue" in tooltip and "9,000" in tooltip and "15,000" in tooltip, tooltip
    tab.screenshot(os.path.join(log_dir, "end_to_end_tooltip.png"))
    assert db_rows("SELECT expected_revenue, user_id FROM crm_lead WHERE id = %s", [lead]) == [(9000, admin.uid)]

    # Back online: the queue drains by itself and the database holds both values, once.
    tab.set_offline(False)
    wait_for_rows("SELECT expected_revenue::int, user_id FROM crm_lead WHERE id = %s", [lead],
                 [(15000, demo_uid)])
    tab.gone(".o_offline_mode_change", timeout=SYNC_TIMEOUT)
    applied = db_rows("SELECT count(*) FROM offline_change WHERE model = 'crm.lead' AND res_id = %s "
                      "AND status = 'applied'", [lead])[0][0]
    assert applied == 1
    report("End to end: demo opportunity edited offline (Salesperson never typed online, Expected Revenue), "
           f"choices offered offline: {', '.join(offered)}; synced on reconnect: database holds both values, "
           "1 ledger entry")


def test_two_tabs_offline_each_change_applied_exactly_once(server, admin, browser, db_rows, wait_for_rows, report):
    partners = admin.call_kw("res.partner", "create", [[
        {"name": f"Two tabs {n} {uuid.uuid4().hex[:6]}"} for n in range(2)]])
    cookies = admin.http.cookies.get_dict()
    tabs = [browser.new_tab(cookies=cookies) for _ in partners]
    for tab, partner in zip(tabs, partners, strict=True):
        _open_form(tab, server, "contacts.action_contacts", partner)
    for tab in tabs:
        tab.set_offline(True)
    for n, tab in enumerate(tabs):
        tab.wait_for(".o_offline_mode_systray", timeout=10)
        tab.fill(".o_field_widget[name=function] input", f"Edited in tab {n}")
        tab.click(".o_form_button_save")
        tab.wait_for(".o_form_view .o_offline_mode_pending")
    for tab in tabs:
        tab.set_offline(False)
    wait_for_rows("SELECT id, function FROM res_partner WHERE id = ANY(%s) ORDER BY id", [partners],
                 [(partner, f"Edited in tab {n}") for n, partner in enumerate(partners)])
    time.sleep(3)  # let both tabs settle: a second send would show up in the ledger
    ledger = db_rows("SELECT res_id, count(*), sum(replay_count) FROM offline_change "
                     "WHERE model = 'res.partner' AND res_id = ANY(%s) GROUP BY res_id ORDER BY res_id", [partners])
    assert [(row[0], row[1]) for row in ledger] == [(partner, 1) for partner in partners]
    report("End to end: two tabs offline, one change each: both applied, each exactly once")


def _open_app_from_home_menu(tab, xmlid):
    tab.click(".o_navbar_apps_menu button")
    tab.click(f".o_app[data-menu-xmlid='{xmlid}']")


def test_crm_menus_running_a_server_action_reopen_offline(server, admin, browser, log_dir, report):
    """CRM's home entry and Sales → My Pipeline run a server action that returns the pipeline's
    window action: opened online, both reopen the pipeline offline instead of being grayed out."""
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
    tab.goto(f"{server.url}/odoo")
    _open_app_from_home_menu(tab, "crm.crm_menu_root")
    tab.wait_for(".o_kanban_view .o_kanban_record:not(.o_kanban_ghost)")
    cards_online = tab.evaluate("document.querySelectorAll('.o_kanban_record:not(.o_kanban_ghost)').length")
    tab.click(".o_menu_sections [data-menu-xmlid='crm.crm_menu_sales']")
    tab.click(".dropdown-item[data-menu-xmlid='crm.menu_crm_opportunities']")
    tab.wait_for(".o_kanban_view .o_kanban_record:not(.o_kanban_ghost)")
    time.sleep(1)  # answers are written to the browser's storage in batches

    tab.set_offline(True)
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)
    tab.click(".o_navbar_apps_menu button")
    tab.wait_for(".o_app[data-menu-xmlid='crm.crm_menu_root']")
    time.sleep(0.5)  # availability is looked up in the browser's storage
    assert not tab.evaluate("document.querySelector(\".o_app[data-menu-xmlid='crm.crm_menu_root']\")"
                            ".classList.contains('o_offline_unavailable')")
    tab.click(".o_app[data-menu-xmlid='crm.crm_menu_root']")
    tab.wait_for(".o_kanban_view .o_kanban_record:not(.o_kanban_ghost)")
    tab.click(".o_menu_sections [data-menu-xmlid='crm.crm_menu_sales']")
    pipeline_menu = ".dropdown-item[data-menu-xmlid='crm.menu_crm_opportunities']"
    tab.wait_for(pipeline_menu)
    assert not tab.evaluate(f"document.querySelector({pipeline_menu!r}).classList.contains('o_offline_unavailable')")
    tab.click(pipeline_menu)
    tab.wait_for(".o_kanban_view .o_kanban_record:not(.o_kanban_ghost)")
    cards_offline = tab.evaluate("document.querySelectorAll('.o_kanban_record:not(.o_kanban_ghost)').length")
    assert cards_offline == cards_online
    assert not tab.evaluate("document.querySelector('.o_error_dialog')")
    tab.screenshot(os.path.join(log_dir, "end_to_end_crm_pipeline_offline.png"))
    report(f"End to end: CRM app and My Pipeline (server-action menus) reopened offline, {cards_offline} cards")


def test_record_created_offline_is_listed_with_the_others_then_synced_once(
        server, admin, browser, db_rows, wait_for_rows, log_dir, report):
    """Created offline, then back to the pipeline's list (which shows tags): the row is there,
    shaped like the others, and no error dialog appears; back online, it is created once."""
    name = f"Booth deal {uuid.uuid4().hex[:6]}"
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
    tab.goto(f"{server.url}/odoo/action-crm.crm_lead_action_pipeline?view_type=list")
    tab.wait_for(".o_list_view .o_data_row")
    tab.click(".o_list_button_add")
    tab.wait_for(".o_form_view .o_field_widget[name=name] textarea")
    time.sleep(1)  # the new record's defaults are stored for offline creations
    tab.click(".o_breadcrumb .o_back_button a, .breadcrumb-item a")
    tab.wait_for(".o_list_view .o_data_row")
    time.sleep(1)

    tab.set_offline(True)
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)
    tab.click(".o_list_button_add")
    tab.fill(".o_form_view .o_field_widget[name=name] textarea", name)
    tab.click(".o_form_button_save")
    tab.wait_for(".o_form_view .o_offline_mode_pending")
    tab.click(".o_breadcrumb .o_back_button a, .breadcrumb-item a")
    tab.wait_for(".o_list_view .o_data_row", text=name)
    assert not tab.evaluate("document.querySelector('.o_error_dialog')")
    assert not tab.exceptions, tab.exceptions
    row = tab.evaluate(f"""[...document.querySelectorAll('.o_data_row')].find(row => row.textContent.includes({name!r}))
        .querySelector('.o_data_cell[name=user_id]').textContent.trim()""")
    assert row == "Mitchell Admin", row
    tab.screenshot(os.path.join(log_dir, "end_to_end_created_offline_in_list.png"))

    tab.set_offline(False)
    wait_for_rows("SELECT count(*) FROM crm_lead WHERE name = %s", [name], [(1,)])
    tab.wait_for_empty_outbox(timeout=SYNC_TIMEOUT)
    assert db_rows("SELECT count(*) FROM crm_lead WHERE name = %s", [name]) == [(1,)]
    report("End to end: opportunity created offline from its full form, listed in the pipeline's list with "
           "the others (tags, salesperson, stage; no error), created once on reconnect")
