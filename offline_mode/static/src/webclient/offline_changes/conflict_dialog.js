import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { useService } from "@web/core/utils/hooks";
import { formatChangeValue } from "./change_display";

/**
 * A value the server sent in a conflict, in web_read form: a many2many comes
 * as ids, named here from what the change knows of those records.
 */
function serverValueAsRead(field, value, change) {
    if (field.type !== "many2many" || !Array.isArray(value)) {
        return value;
    }
    const known = new Map(
        [...(change.original[field.name] || []), ...(change.values[field.name] || [])].map(
            (record) => [record.id, record]
        )
    );
    return value.map((id) => known.get(id) || { id });
}

/**
 * "Resolve": a change the server reported in conflict, field by field — the
 * value before editing, the user's, and the one someone else saved meanwhile
 * — and the two ways out: send mine over theirs, or drop mine.
 */
export class ConflictDialog extends Component {
    static template = "offline_mode.ConflictDialog";
    static components = { Dialog };
    static props = { uuid: String, close: Function };

    setup() {
        this.outboxService = useService("offline_outbox");
        this.outbox = useState(this.outboxService.state);
        this.sync = useService("offline_sync");
    }

    get change() {
        return this.outbox.changes.find((change) => change.uuid === this.props.uuid);
    }

    get rows() {
        const change = this.change;
        return (change?.conflicts || []).map((conflict) => {
            const field = { name: conflict.field, ...change.fields[conflict.field] };
            return {
                name: conflict.field,
                label: conflict.label,
                before: formatChangeValue(field, change.original[conflict.field]),
                mine: formatChangeValue(field, change.values[conflict.field]),
                theirs: formatChangeValue(field, serverValueAsRead(field, conflict.server, change)),
            };
        });
    }

    async keepMine() {
        await this.outboxService.keepMine(this.props.uuid);
        this.props.close();
        await this.sync.syncNow();
    }

    async useServers() {
        await this.outboxService.discard(this.props.uuid);
        this.props.close();
    }
}
