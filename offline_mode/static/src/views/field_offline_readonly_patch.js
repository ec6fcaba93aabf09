import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { Field } from "@web/views/fields/field";
import { EDITABLE_TYPES } from "../core/offline_change";

/**
 * Offline, fields whose changes cannot be queued (one2many lines, files,
 * properties, many2many other than tags, ...) are read-only, with a hint.
 */
patch(Field.prototype, {
    setup() {
        super.setup();
        this.connectivity = useState(useService("offline_connectivity").status);
    },

    get isReadonlyOffline() {
        if (this.connectivity.isOnline) {
            return false;
        }
        // `this.type` is the widget when there is one; the field's own type decides.
        const fieldType = this.props.record.fields[this.props.name].type;
        const widget = this.props.fieldInfo?.widget || this.props.type;
        if (fieldType === "many2many") {
            return widget !== "many2many_tags";
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
