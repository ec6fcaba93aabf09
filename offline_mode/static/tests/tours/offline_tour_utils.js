/**
 * Steps shared by the offline mode tours. The network is cut for real: a step
 * logs a marker that the Python test (tests/test_offline_read_cache.py) turns
 * into DevTools commands (Network.emulateNetworkConditions, Page.reload,
 * Page.captureScreenshot).
 */

const MARKER = "[offline_mode]";

async function waitUntil(predicate, what, timeout = 5000) {
    const start = Date.now();
    while (!(await predicate())) {
        if (Date.now() - start > timeout) {
            throw new Error(`Timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

async function serverAnswers() {
    try {
        return (await fetch("/offline_mode/ping", { cache: "no-store" })).ok;
    } catch {
        return false;
    }
}

/** A step that acts on the page as it is (its trigger, the body, is always there). */
function pageStep(content, run) {
    return { content, trigger: "body", run };
}

export function goOffline() {
    return [
        pageStep("Cut the network (DevTools offline emulation, from the Python test)", async () => {
            console.log(`${MARKER} network offline`);
            await waitUntil(() => !navigator.onLine, "navigator.onLine to turn false");
            if (await serverAnswers()) {
                throw new Error("The network is cut but a request still reached the server");
            }
        }),
        {
            content: "Within 2 seconds the top bar says the client works offline",
            trigger: ".o_main_navbar .o_offline_mode_systray:contains(Working offline)",
            timeout: 2000,
        },
    ];
}

export function goOnline() {
    return [
        pageStep("Restore the network", async () => {
            console.log(`${MARKER} network online`);
            await waitUntil(() => navigator.onLine, "navigator.onLine to turn true");
            await waitUntil(serverAnswers, "the server to answer again");
        }),
        {
            content: "The offline button disappears once the server answers again",
            trigger: ".o_main_navbar:not(:has(.o_offline_mode_systray))",
        },
    ];
}

/**
 * Asks the Python test for a screenshot of the page and waits until it is taken
 * (saved under docs/images/ when OFFLINE_MODE_SCREENSHOTS names that folder).
 *
 * @param {string} name file name, without extension
 * @param {string} trigger what must be on screen first
 */
export function takeScreenshot(name, trigger) {
    return {
        content: `Screenshot "${name}"`,
        trigger,
        async run() {
            console.log(`${MARKER} screenshot ${name}`);
            await waitUntil(() => window.offlineModeScreenshot === name, `screenshot ${name}`);
        },
    };
}

/** Starts a reload with `startReload` and resolves as the page unloads. */
function unloadAfter(startReload) {
    const unloading = new Promise((resolve) =>
        window.addEventListener("beforeunload", resolve, { once: true })
    );
    startReload();
    return unloading;
}

/** Reloads the page as F5 does: the cached data stays. */
export function reload() {
    return pageStep("Reload the page", () => unloadAfter(() => window.location.reload()));
}

/** Reloads the page bypassing the browser cache, as Ctrl+F5 / Cmd+Shift+R do. */
export function hardReload() {
    return pageStep(
        "Hard refresh (DevTools Page.reload with ignoreCache, from the Python test)",
        () => unloadAfter(() => console.log(`${MARKER} hard reload`))
    );
}

/** Waits until the answers received so far are written to IndexedDB. */
export function waitForCacheWrites() {
    return pageStep("The read cache has written what was read", () =>
        odoo.__WOWL_DEBUG__.root.env.services.offline_read_cache.flush()
    );
}

/** Opens the form of the customer `name` from the kanban of customers. */
export function openCard(name) {
    return [
        {
            content: `Open ${name} from the kanban`,
            trigger: `.o_kanban_record:contains(${name})`,
            run: "click",
        },
        {
            content: `The form of ${name} is shown`,
            trigger: `.o_form_view .o_field_widget[name=name] textarea:value(${name})`,
        },
    ];
}

/** Goes back from a customer's form to the kanban of customers. */
export function backToKanban() {
    return [
        {
            content: "Back to the kanban of customers",
            trigger:
                ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a:contains(Customers)",
            run: "click",
        },
        {
            content: "The kanban is shown",
            trigger: ".o_kanban_view .o_kanban_record",
        },
    ];
}
