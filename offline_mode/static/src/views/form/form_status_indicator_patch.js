import { patch } from "@web/core/utils/patch";
import { FormStatusIndicator } from "@web/views/form/form_status_indicator/form_status_indicator";
import { PendingSyncMarker } from "../pending_sync_marker/pending_sync_marker";

/** A form whose record has changes not synced yet shows the pending marker, with its label. */
patch(FormStatusIndicator.prototype, {
    /** See pending_sync_marker.js for why a getter. */
    get PendingSyncMarker() {
        return PendingSyncMarker;
    },
});
