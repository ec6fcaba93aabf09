import { describe, expect, test } from "@odoo/hoot";
import { hover, queryAll, queryAllTexts, waitFor, waitUntil } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    getService,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { localization } from "@web/core/l10n/localization";
import { WRITE } from "@offline_mode/core/offline_change";
import {
    describeFieldChanges,
    formatChangeValue,
} from "@offline_mode/webclient/offline_changes/change_display";
import { OfflineChanges } from "@offline_mode/webclient/offline_changes/offline_changes";
import { startOfflineMode } from "./offline_edit_test_helpers";

describe.current.tags("desktop");

const FIELDS = {
    user_id: { type: "many2one", string: "Salesperson" },
    expected_revenue: { type: "monetary", string: "Expected Revenue", currencyId: 2 },
    date_deadline: { type: "date", string: "Expected Closing" },
    priority: {
        type: "selection",
        string: "Priority",
        selection: [
            ["0", "Low"],
            ["1", "High"],
        ],
    },
    active: { type: "boolean", string: "Active" },
    category_id: { type: "many2many", string: "Tags" },
    description: { type: "html", string: "Notes" },
};

function edit(
    outbox,
    { resId = 7, recordName = "Acme deal", values, original, fields = FIELDS } = {}
) {
    return outbox.add({
        model: "res.partner",
        operation: WRITE,
        resId,
        values,
        original,
        fields: Object.fromEntries(Object.keys(values).map((name) => [name, fields[name]])),
        recordName,
        actionId: 3,
        actionName: "Pipeline",
    });
}

describe("formatting", () => {
    test("values are shown as the views show them: names, amounts with currency, dates in the user's format", async () => {
        await startOfflineMode();
        patchWithCleanup(localization, { dateFormat: "dd/MM/yyyy" });
        const change = {
            fields: FIELDS,
            values: {
                user_id: { id: 6, display_name: "Marc Demo" },
                expected_revenue: 12500,
                date_deadline: "2026-03-31",
                priority: "1",
                active: false,
                category_id: [
                    { id: 1, display_name: "VIP" },
                    { id: 2, display_name: "B2B" },
                ],
                description: "<p>Call <b>back</b></p>",
            },
            original: {
                user_id: { id: 2, display_name: "Mitchell Admin" },
                expected_revenue: 10000,
                date_deadline: false,
                priority: "0",
                active: true,
                category_id: [],
                description: false,
            },
        };
        expect(
            describeFieldChanges(change).map(
                ({ label, before, after }) => `${label}: ${before} → ${after}`
            )
        ).toEqual([
            "Salesperson: Mitchell Admin → Marc Demo",
            "Expected Revenue: 10,000.00\u00a0€ → 12,500.00\u00a0€",
            "Expected Closing: None → 31/03/2026",
            "Priority: Low → High",
            "Active: Yes → No",
            "Tags: None → VIP, B2B",
            "Notes: None → Call back",
        ]);
    });

    test("long texts are cut to one line", async () => {
        await startOfflineMode();
        const text = `${"word ".repeat(40)}\nsecond line`;
        const shown = formatChangeValue({ type: "text", string: "Notes" }, text);
        expect(shown).toHaveLength(80);
        expect(shown.endsWith("…")).toBe(true);
        expect(shown).not.toInclude("\n");
    });
});

describe("dropdown", () => {
    test("lists each change with its record, its action and a tag", async () => {
        const { outbox } = await startOfflineMode();
        await edit(outbox, {
            values: { user_id: { id: 6, display_name: "Marc Demo" } },
            original: { user_id: false },
        });
        await outbox.add({
            model: "res.partner",
            operation: "create",
            values: {},
            recordName: "New lead",
            actionName: "Pipeline",
        });
        await outbox.add({
            model: "res.partner",
            operation: "unlink",
            resId: 8,
            recordName: "Old lead",
        });
        await outbox.add({
            model: "res.partner",
            operation: "archive",
            resId: 9,
            recordName: "Cold lead",
            actionName: "Leads",
        });
        await outbox.add({
            model: "res.partner",
            operation: "unarchive",
            resId: 10,
            recordName: "Warm lead",
        });
        await mountWithCleanup(OfflineChanges);

        expect(queryAllTexts(".o_offline_mode_change_name")).toEqual([
            "Acme deal",
            "New lead",
            "Old lead",
            "Cold lead",
            "Warm lead",
        ]);
        expect(queryAllTexts(".o_offline_mode_change_origin")).toEqual([
            "Pipeline",
            "Pipeline",
            "res.partner",
            "Leads",
            "res.partner",
        ]);
        expect(queryAllTexts(".o_offline_mode_change_tag")).toEqual([
            "Edited",
            "Created",
            "Deleted",
            "Archived",
            "Unarchived",
        ]);
        expect(".o_offline_mode_change_tag:eq(0)").toHaveClass("badge text-bg-info");
        expect(".o_offline_mode_changes_summary").toHaveText(
            "Your changes are kept in this browser and synced when the connection returns."
        );
        expect(".o_offline_mode_discard").toHaveCount(5);
        expect(".o_offline_mode_discard:first").toHaveAttribute("title", "Discard offline change");
    });

    test("hovering Edited shows one line per changed field", async () => {
        const { outbox } = await startOfflineMode();
        await edit(outbox, {
            values: { user_id: { id: 6, display_name: "Marc Demo" }, priority: "1" },
            original: { user_id: { id: 2, display_name: "Mitchell Admin" }, priority: "0" },
        });
        await mountWithCleanup(OfflineChanges);
        await hover(".o_offline_mode_change_tag");
        await waitFor(".o-tooltip", { timeout: 2000 });
        expect(queryAllTexts(".o-tooltip .o_offline_mode_edited_line")).toEqual([
            "Salesperson: Mitchell Admin → Marc Demo",
            "Priority: Low → High",
        ]);
    });

    test("names and values are shown as text, never as markup", async () => {
        const { outbox } = await startOfflineMode();
        const attack = "<img src=x onerror=alert(1)>";
        await edit(outbox, {
            recordName: attack,
            values: { user_id: { id: 6, display_name: attack } },
            original: { user_id: false },
        });
        await mountWithCleanup(OfflineChanges);
        expect(".o_offline_mode_change_name").toHaveText(attack);
        await hover(".o_offline_mode_change_tag");
        await waitFor(".o-tooltip", { timeout: 2000 });
        expect(".o-tooltip .o_offline_mode_edited_line").toHaveText(
            `Salesperson: None → ${attack}`
        );
        expect(queryAll("img")).toHaveLength(0);
    });

    test("clicking a change opens its record, in its action, with the pending values", async () => {
        const { outbox } = await startOfflineMode();
        await edit(outbox, { values: { priority: "1" }, original: { priority: "0" } });
        await outbox.add({
            model: "res.partner",
            operation: "unlink",
            resId: 8,
            recordName: "Old lead",
        });
        const opened = [];
        patchWithCleanup(getService("action"), {
            doAction(action, options) {
                opened.push([action, options]);
            },
        });
        await mountWithCleanup(OfflineChanges);
        await contains(".o_offline_mode_change:eq(0) .o_offline_mode_change_name").click();
        await contains(".o_offline_mode_change:eq(1) .o_offline_mode_change_name").click();
        expect(opened).toEqual([
            [3, { props: { resId: 7 }, viewType: "form" }],
            [
                {
                    type: "ir.actions.act_window",
                    res_model: "res.partner",
                    res_id: 8,
                    views: [[false, "form"]],
                },
                undefined,
            ],
        ]);
    });

    test("the trash icon asks, then discards the change", async () => {
        const { outbox } = await startOfflineMode();
        await edit(outbox, { values: { priority: "1" }, original: { priority: "0" } });
        await mountWithCleanup(OfflineChanges);

        await contains(".o_offline_mode_discard").click();
        expect(".modal .modal-title").toHaveText("Discard offline change");
        expect(".modal-body").toHaveText(
            "The change made offline to “Acme deal” will be lost; the record goes back to what the server has."
        );
        await contains(".modal .btn-secondary").click();
        expect(".o_offline_mode_change").toHaveCount(1);

        await contains(".o_offline_mode_discard").click();
        await contains(".modal .btn-danger").click();
        await waitFor(".o_offline_mode_no_changes", { timeout: 2000 });
        expect(outbox.state.changes).toEqual([]);
    });

    test("a rejected change is flagged red with the server's message; a conflict offers Resolve", async () => {
        onRpc("/offline_mode/sync", async (request) => {
            const { params } = await request.json();
            const [rejected, conflicting] = params.changes;
            return {
                results: [
                    {
                        uuid: rejected.uuid,
                        status: "rejected",
                        res_id: 7,
                        replayed: false,
                        error: { code: "validation", message: "The email is not valid." },
                    },
                    {
                        uuid: conflicting.uuid,
                        status: "conflict",
                        res_id: 8,
                        replayed: false,
                        conflicts: [
                            {
                                field: "user_id",
                                label: "Salesperson",
                                original: 2,
                                server: { id: 9, display_name: "Joel Willis" },
                                client: 6,
                            },
                        ],
                    },
                ],
                server_time: "2026-01-01 00:00:00",
            };
        });
        const { outbox, sync, setOnline } = await startOfflineMode();
        await edit(outbox, { values: { priority: "1" }, original: { priority: "0" } });
        await edit(outbox, {
            resId: 8,
            recordName: "Beta deal",
            values: { user_id: { id: 6, display_name: "Marc Demo" } },
            original: { user_id: { id: 2, display_name: "Mitchell Admin" } },
        });
        await mountWithCleanup(OfflineChanges);
        setOnline(true);
        await sync.syncNow();
        await animationFrame();

        expect(".o_offline_mode_change_issue").toHaveCount(2);
        expect(queryAllTexts(".o_offline_mode_change_issue_text")).toEqual([
            "The email is not valid.",
            "Someone else changed Salesperson meanwhile.",
        ]);
        expect(".o_offline_mode_changes_summary").toHaveText("Changes the server did not take: 2");
        expect(".o_offline_mode_resolve").toHaveCount(1);

        await contains(".o_offline_mode_resolve").click();
        expect(queryAllTexts(".o_offline_mode_conflict_row td")).toEqual([
            "Salesperson",
            "Mitchell Admin",
            "Marc Demo",
            "Joel Willis",
        ]);
        await contains(".o_offline_mode_use_servers").click();
        await waitUntil(() => !queryAll(".modal").length, { timeout: 2000 });
        expect(queryAllTexts(".o_offline_mode_change_name")).toEqual(["Acme deal"]);
    });

    test("Sync now sends the queue at once", async () => {
        let requests = 0;
        onRpc("/offline_mode/sync", async (request) => {
            if (++requests === 1) {
                throw new Error("server hiccup");
            }
            const { params } = await request.json();
            return {
                results: params.changes.map((change) => ({
                    uuid: change.uuid,
                    status: "applied",
                    res_id: 7,
                    replayed: false,
                })),
                server_time: "2026-01-01 00:00:00",
            };
        });
        const { outbox, setOnline } = await startOfflineMode();
        await edit(outbox, { values: { priority: "1" }, original: { priority: "0" } });
        await mountWithCleanup(OfflineChanges);
        expect(".o_offline_mode_sync_now").toHaveCount(0);

        setOnline(true);
        await waitFor(".o_offline_mode_changes_summary:contains(Not sent yet: server hiccup)", {
            timeout: 2000,
        });
        await contains(".o_offline_mode_sync_now").click();
        await waitFor(".o_offline_mode_no_changes", { timeout: 2000 });
        expect(requests).toBe(2);
    });
});
