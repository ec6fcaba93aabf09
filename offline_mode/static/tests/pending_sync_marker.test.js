import { expect, test } from "@odoo/hoot";
import { waitFor } from "@odoo/hoot-dom";
import { fields, models, mountView, onRpc } from "@web/../tests/web_test_helpers";
import { registry } from "@web/core/registry";
import { omit } from "@web/core/utils/objects";
import { KanbanRecord } from "@web/views/kanban/kanban_record";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { ListRenderer } from "@web/views/list/list_renderer";
import { listView } from "@web/views/list/list_view";
import { WRITE } from "@offline_mode/core/offline_change";
import { startOfflineMode } from "./offline_edit_test_helpers";
import { defineWebClientModels } from "./offline_test_helpers";

class Partner extends models.Model {
    name = fields.Char();

    _records = [
        { id: 1, name: "Azure Interior" },
        { id: 2, name: "Deco Addict" },
    ];
}

defineWebClientModels(Partner);

// Views of other apps subclass the renderers with components of their own,
// copied from the parent's when the subclass is defined — before this addon's
// patches run (Project's task cards, the order lines of Sales): the marker
// must show there too.
const componentsOfOdoo = (components) => omit(components, "PendingSyncMarker");
class AppListRenderer extends ListRenderer {
    static components = componentsOfOdoo(ListRenderer.components);
}
class AppKanbanRecord extends KanbanRecord {
    static components = componentsOfOdoo(KanbanRecord.components);
}
class AppKanbanRenderer extends KanbanRenderer {
    static components = { ...KanbanRenderer.components, KanbanRecord: AppKanbanRecord };
}
registry.category("views").add("app_list", { ...listView, Renderer: AppListRenderer });
registry.category("views").add("app_kanban", { ...kanbanView, Renderer: AppKanbanRenderer });

async function queueEditOfAzure() {
    // The change stays queued: its sync is never answered.
    onRpc("/offline_mode/sync", () => new Promise(() => {}));
    const { outbox } = await startOfflineMode({ online: true });
    await outbox.add({
        model: "partner",
        operation: WRITE,
        resId: 1,
        values: { name: "Azure" },
        original: { name: "Azure Interior" },
        fields: { name: { type: "char", string: "Name" } },
        recordName: "Azure",
    });
}

test("the pending marker shows in lists of other apps' renderers", async () => {
    await queueEditOfAzure();
    await mountView({
        type: "list",
        resModel: "partner",
        arch: `<list js_class="app_list"><field name="name"/></list>`,
    });
    await waitFor(".o_data_row:first-child .o_offline_mode_pending", { timeout: 2000 });
    expect(".o_data_row .o_offline_mode_pending").toHaveCount(1);
});

test("the pending marker shows on kanban cards of other apps' records", async () => {
    await queueEditOfAzure();
    await mountView({
        type: "kanban",
        resModel: "partner",
        arch: `<kanban js_class="app_kanban"><templates><t t-name="card"><field name="name"/></t></templates></kanban>`,
    });
    await waitFor(".o_kanban_record .o_offline_mode_pending", { timeout: 2000 });
    expect(".o_kanban_record .o_offline_mode_pending").toHaveCount(1);
});
