import { describe, expect, test } from "@odoo/hoot";
import { applyChangesToSearch } from "@offline_mode/core/local_copy";
import { CREATE } from "@offline_mode/core/offline_change";

describe.current.tags("headless");

const fieldsOf = () => ({
    name: { type: "char" },
    stage_id: { type: "many2one", relation: "stage" },
    user_ids: { type: "many2many", relation: "res.users" },
});

/** A task created offline in stage 5, assigned to user 2. */
const creation = {
    uuid: "c1",
    model: "task",
    operation: CREATE,
    resId: "virtual:c1",
    values: { name: "Task made offline", stage_id: { id: 5, display_name: "Inbox" } },
    displayOnly: { user_ids: [{ id: 2, display_name: "Mitchell Admin" }] },
    fields: {},
};

function namesFound(domain, context = {}) {
    const answer = { length: 1, records: [{ id: 1, name: "Task from the server" }] };
    const search = { domain, context, specification: { name: {} } };
    return applyChangesToSearch(answer, [creation], search, fieldsOf).records.map((r) => r.name);
}

test("a record created offline is listed where its values match the domain", () => {
    expect(namesFound([["user_ids", "in", 2]])).toEqual([
        "Task made offline",
        "Task from the server",
    ]);
    expect(namesFound([["user_ids", "in", 3]])).toEqual(["Task from the server"]);
});

test("terms on fields the creation does not hold are taken as met", () => {
    // A related path and a field the form did not show: only the server could check them.
    expect(
        namesFound([
            ["project_id.user_id", "=", 2],
            ["is_closed", "=", false],
        ])
    ).toEqual(["Task made offline", "Task from the server"]);
});

test("in a grouped view the record is only in the group of its value", () => {
    // The group's domain names a field the form does not show (as a task's personal stage does).
    const groupDomain = ["&", ["user_ids", "in", 2], ["personal_stage_ids", "=", 5]];
    expect(namesFound(groupDomain, { default_stage_id: 5 })).toEqual([
        "Task made offline",
        "Task from the server",
    ]);
    expect(namesFound(groupDomain, { default_stage_id: 6 })).toEqual(["Task from the server"]);
    // A checkable domain is enough: an action's own defaults do not hide what the user changed.
    expect(namesFound([["user_ids", "in", 2]], { default_stage_id: 6 })).toEqual([
        "Task made offline",
        "Task from the server",
    ]);
});
