import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { Field } from "@web/views/fields/field";
import { Many2ManyTagsField } from "@web/views/fields/many2many_tags/many2many_tags_field";
import { EDITABLE_TYPES } from "../core/offline_change";

/**
 * Offline, fields whose changes cannot be queued (one2many lines, files,
 * properties, many2many shown otherwise than as tags, ...) are read-only, with a hint.
 */
patch(Field.prototype, {
    setup() {
        super.setup();
        this.connectivity = useState(useService("offline_connectivity").status);
    },

    get isReadonlyOffline() {
        if (!this.connectivity.isOffline) {
            return false;
        }
        // `this.type` is the widget when there is one; the field's own type decides.
        const fieldType = this.props.record.fields[this.props.name].type;
        if (fieldType === "many2many") {
            // Tags, with or without avatars (a task's assignees): a change is a list of ids.
            const component = this.field.component;
            return !(
                component === Many2ManyTagsField ||
                component.prototype instanceof Many2ManyTagsField
            );
        }
        return !EDITABLE_TYPES.has(fieldType);
    },

    get offlineHint() {
        return this.isReadonlyOffline && this.props.record.isInEdition
            ? _t("Not editable offline")
            : false;
    },

    get fieldComponentProps() {
        const props = super.fieldComponentProps;
        return this.isReadonlyOffline ? { ...props, readonly: true } : props;
    },
});
