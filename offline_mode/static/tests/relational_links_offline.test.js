import { describe, expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    defineModels,
    fields,
    getService,
    models,
    mountWithCleanup,
    onRpc,
    webModels,
} from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";
import { cutNetwork, waitFor, waitUntil } from "./offline_test_helpers";
import { setupOfflineMode } from "./offline_edit_test_helpers";

describe.current.tags("desktop");

class Lead extends models.Model {
    _name = "lead";

    name = fields.Char();
    tag_ids = fields.Many2many({ relation: "tag", string: "Tags" });

    _records = [{ id: 1, name: "Office Design and Architecture" }];
    _views = {
        form: `
            <form>
                <field name="name"/>
                <field name="tag_ids" widget="many2many_tags" options="{'color_field': 'color'}"/>
            </form>`,
        search: `<search/>`,
    };
}

class Tag extends models.Model {
    _name = "tag";

    name = fields.Char();
    color = fields.Integer();

    _records = [
        { id: 1, name: "Design", color: 3 },
        { id: 2, name: "Office", color: 4 },
    ];
}

const { ResCompany, ResPartner, ResUsers } = webModels;
defineModels([Lead, Tag, ResCompany, ResPartner, ResUsers]);

test("a tag chosen offline, never read online, shows its name", async () => {
    const prefetched = [];
    onRpc("name_search", ({ model }) => {
        prefetched.push(model);
    });
    const connection = setupOfflineMode({ online: true });
    await mountWithCleanup(WebClient);
    await getService("action").doAction({
        type: "ir.actions.act_window",
        res_model: "lead",
        res_id: 1,
        views: [[false, "form"]],
    });
    await waitFor(".o_field_widget[name=tag_ids] input");
    await waitUntil(() => prefetched.includes("tag"));
    await getService("offline_local_copy").choicesPrefetched();
    await getService("offline_read_cache").flush();
    cutNetwork();
    connection.setOnline(false);
    await animationFrame();

    await contains(".o_field_widget[name=tag_ids] input").edit("Off", { confirm: false });
    await waitFor(".o-autocomplete--dropdown-item:contains(Office)");
    await contains(".o-autocomplete--dropdown-item:contains(Office)").click();
    // The tag comes at once, its name once read from what this browser knows.
    await waitFor(".o_field_widget[name=tag_ids] .o_tag:contains(Office)");
    expect(queryAllTexts(".o_field_widget[name=tag_ids] .o_tag")).toEqual(["Office"]);
    expect(".o_notification").toHaveCount(0);
});
