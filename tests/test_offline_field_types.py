"""Fields of several types edited offline in real forms reach the database once."""
import os
import uuid

SYNC_TIMEOUT = 60




def test_tags_added_offline_to_a_contact_reach_the_database(server, admin, browser, db_rows, wait_for_rows, log_dir, report):
    tag_name = f"Basement {uuid.uuid4().hex[:6]}"
    tag = admin.call_kw("res.partner.category", "create", [{"name": tag_name}])
    partner = admin.call_kw("res.partner", "create", [{"name": f"Tagged offline {uuid.uuid4().hex[:6]}"}])
    tab = browser.new_tab(cookies=admin.http.cookies.get_dict())
    tab.goto(f"{server.url}/odoo/action-contacts.action_contacts/{partner}")
    tab.wait_for(".o_form_view .o_field_widget[name=category_id] input")
    # Online, the tag is seen once in the Tags list (as any list of tags shows it).
    tab.fill(".o_field_widget[name=category_id] input", tag_name)
    tab.wait_for(".o-autocomplete--dropdown-menu .dropdown-item", text=tag_name)
    tab.send("Input.dispatchKeyEvent", type="keyDown", key="Escape", code="Escape", windowsVirtualKeyCode=27)
    if tab.evaluate("document.querySelector('.o_form_button_cancel')?.offsetParent != null"):
        tab.click(".o_form_button_cancel")

    browser.set_offline(True)
    tab.wait_for(".o_offline_mode_systray", text="Working offline", timeout=10)
    tab.fill(".o_field_widget[name=category_id] input", tag_name)
    tab.click(".o-autocomplete--dropdown-menu .dropdown-item", text=tag_name)
    tab.wait_for(".o_field_widget[name=category_id] .o_tag", text=tag_name)
    tab.click(".o_form_button_save")
    tab.wait_for(".o_form_view .o_offline_mode_pending")
    tab.screenshot(os.path.join(log_dir, "offline_tags.png"))

    browser.set_offline(False)
    wait_for_rows("SELECT category_id FROM res_partner_res_partner_category_rel WHERE partner_id = %s",
                 [partner], [(tag,)])
    tab.wait_for_empty_outbox(timeout=SYNC_TIMEOUT)
    assert db_rows("SELECT count(*), min(status) FROM offline_change WHERE model = 'res.partner' AND res_id = %s",
                   [partner]) == [(1, "applied")]
    report("Field types: a tag added offline to a contact (many2many tags) reached the database, once")
