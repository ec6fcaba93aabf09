import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { ListController } from "@web/views/list/list_controller";

/**
 * Offline, "New" only works for models whose new-record defaults this browser
 * fetched online (a record of that model was created, or its form opened
 * empty): the read cache serves them. Otherwise the button looks disabled,
 * says why on hover, and explains when clicked.
 */
function newRecordOffline(createMethod) {
    // A new object per patched class: `super` is bound to the object patched with.
    return {
        setup() {
            super.setup();
            this.offlineStatus = useState(useService("offline_connectivity").status);
            this.offlineOutbox = useState(useService("offline_outbox").state);
        },

        get isNewRecordUnavailableOffline() {
            return (
                !this.offlineStatus.isOnline &&
                !this.offlineOutbox.modelsWithDefaults.has(this.props.resModel)
            );
        },

        get newRecordOfflineHint() {
            return this.isNewRecordUnavailableOffline
                ? _t(
                      "Not available offline: no record of this kind was created in this browser while online."
                  )
                : false;
        },

        async [createMethod]() {
            if (this.isNewRecordUnavailableOffline) {
                this.env.services.notification.add(this.newRecordOfflineHint, { type: "warning" });
                return;
            }
            return super[createMethod](...arguments);
        },
    };
}

patch(FormController.prototype, newRecordOffline("create"));
patch(ListController.prototype, newRecordOffline("onClickCreate"));
patch(KanbanController.prototype, newRecordOffline("createRecord"));
