import { onMounted } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { Many2ManyTagsField } from "@web/views/fields/many2many_tags/many2many_tags_field";
import { Many2OneField } from "@web/views/fields/many2one/many2one_field";
import { Many2XAutocomplete } from "@web/views/fields/relational_utils";
import { isLocalId } from "../core/offline_change";

/**
 * Relational choices offline (the search itself is answered by
 * core/local_copy_service.js, from every record whose name this browser saw):
 * - a form shown online fetches, in the background, the first choices of each
 *   of its many2one and tags fields, with the field's domain and context;
 * - offline, the dropdown offers no Create, Create and edit... nor Search
 *   More...: they need the server.
 */

/** Dropdown entries that need the server. */
const SERVER_OPTION_CLASSES = [
    "o_m2o_dropdown_option_create",
    "o_m2o_dropdown_option_create_edit",
    "o_m2o_dropdown_option_search_more",
    "o_m2o_start_typing",
];

function usePrefetchedChoices(field, getContext) {
    const localCopy = useService("offline_local_copy");
    onMounted(() => {
        const { record } = field.props;
        const inForm = field.env.config?.viewType === "form" && record.model.root === record;
        if (!localCopy.enabled || !inForm || field.props.readonly || isLocalId(record.resId)) {
            return;
        }
        try {
            localCopy.prefetchChoices(field.relation, field.getDomain(), getContext());
        } catch {
            // A domain that cannot be evaluated yet: the choices seen elsewhere remain.
        }
    });
}

patch(Many2OneField.prototype, {
    setup() {
        super.setup();
        usePrefetchedChoices(this, () => this.context);
    },
});

patch(Many2ManyTagsField.prototype, {
    setup() {
        super.setup();
        usePrefetchedChoices(this, () => this.props.context);
    },
});

patch(Many2XAutocomplete.prototype, {
    setup() {
        super.setup();
        this.offlineConnectivity = useService("offline_connectivity");
    },

    async loadOptionsSource(request) {
        const options = await super.loadOptionsSource(request);
        if (!this.offlineConnectivity.status.isOffline) {
            return options;
        }
        const offered = options.filter(
            (option) => !SERVER_OPTION_CLASSES.some((name) => option.classList?.includes(name))
        );
        if (!offered.length) {
            offered.push({
                label: _t("No records"),
                classList: "o_m2o_no_result",
                unselectable: true,
            });
        }
        return offered;
    },
});
