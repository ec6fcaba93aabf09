import { expect, test } from "@odoo/hoot";
import { waitFor } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    getService,
    mountWithCleanup,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { browser } from "@web/core/browser/browser";
import { router } from "@web/core/browser/router";
import { session } from "@web/session";
import { WebClient } from "@web/webclient/webclient";
import { defineWebClientTestSetup, goOffline } from "./offline_test_helpers";

defineWebClientTestSetup();

function mockPersistentStorage(granted) {
    patchWithCleanup(browser.navigator, {
        storage: { persisted: async () => false, persist: async () => granted },
    });
}

test("a page the worker served from the kept shell starts offline at once", async () => {
    patchWithCleanup(session, { offline_mode_started_offline: true });
    patchWithCleanup(browser.navigator, { onLine: false });
    await mountWithCleanup(WebClient);
    await waitFor(".o_main_navbar .o_offline_mode_systray", { timeout: 3000 });
    expect(".o_offline_mode_systray").toHaveText("Working offline");
});

test("a page from the server starts online", async () => {
    await mountWithCleanup(WebClient);
    await animationFrame();
    expect(getService("offline_connectivity").status.isOnline).toBe(true);
    expect(".o_offline_mode_systray").toHaveCount(0);
});

test("persistent storage refused: the Working offline dropdown says so", async () => {
    mockPersistentStorage(false);
    await mountWithCleanup(WebClient);
    await goOffline();
    await contains(".o_offline_mode_systray_toggler").click();
    expect(".o_offline_mode_storage_not_persistent").toHaveText(/did not grant persistent storage/);
    expect(getService("offline_shell").state.persisted).toBe(false);
});

test("persistent storage granted: nothing to say", async () => {
    mockPersistentStorage(true);
    await mountWithCleanup(WebClient);
    await goOffline();
    await contains(".o_offline_mode_systray_toggler").click();
    expect(".o_offline_mode_systray_status").toHaveCount(1);
    expect(".o_offline_mode_storage_not_persistent").toHaveCount(0);
    expect(getService("offline_shell").state.persisted).toBe(true);
});

test("the URL of a record created offline (local, negative id) opens that record", () => {
    const state = router.urlToState(new URL("http://localhost/odoo/action-12/-3"));
    expect(state.action).toBe(12);
    expect(state.resId).toBe(-3);
    expect(state.actionStack.map(({ action, resId }) => [action, resId])).toEqual([
        [12, undefined],
        [12, -3],
    ]);
    const nested = router.urlToState(
        new URL("http://localhost/odoo/action-12/-3/action-14/7?debug=1")
    );
    expect([nested.action, nested.resId, nested.active_id]).toEqual([14, 7, -3]);
    expect(nested.actionStack.map(({ resId }) => resId)).toInclude(-3);
    expect(nested.debug).toBe(1);
});

test("the URLs of records from the server read as before", () => {
    const state = router.urlToState(new URL("http://localhost/odoo/action-12/3"));
    expect([state.action, state.resId]).toEqual([12, 3]);
});
