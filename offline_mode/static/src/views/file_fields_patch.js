import { FileInput } from "@web/core/file_input/file_input";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { BinaryField } from "@web/views/fields/binary/binary_field";
import { FileUploader } from "@web/views/fields/file_handler";
import { ImageField } from "@web/views/fields/image/image_field";
import { Many2ManyBinaryField } from "@web/views/fields/many2many_binary/many2many_binary_field";

/**
 * Offline, files and images can still be opened (when they were loaded online,
 * see core/offline_files_service.js) but not uploaded nor deleted: the server
 * stores them. Trying says so instead of failing half-way.
 */
function refuseOffline(component, message) {
    if (component.env.services.offline_connectivity?.status.isOnline !== false) {
        return false;
    }
    component.env.services.notification.add(message, { type: "warning" });
    return true;
}

const uploadMessage = () =>
    _t("Uploading files needs a connection to the server. Try again once you are back online.");
const deleteMessage = () =>
    _t("Deleting files needs a connection to the server. Try again once you are back online.");

patch(FileInput.prototype, {
    async onTriggerClicked() {
        if (!refuseOffline(this, uploadMessage())) {
            return super.onTriggerClicked();
        }
    },
});

patch(FileUploader.prototype, {
    async onSelectFileButtonClick(ev) {
        if (!refuseOffline(this, uploadMessage())) {
            return super.onSelectFileButtonClick(ev);
        }
    },
});

patch(BinaryField.prototype, {
    update(file) {
        // Uploads are refused before the file is chosen: what is left is clearing.
        if (!refuseOffline(this, deleteMessage())) {
            return super.update(file);
        }
    },
});

patch(ImageField.prototype, {
    onFileRemove() {
        if (!refuseOffline(this, deleteMessage())) {
            return super.onFileRemove();
        }
    },
});

patch(Many2ManyBinaryField.prototype, {
    async onFileRemove(deleteId) {
        if (!refuseOffline(this, deleteMessage())) {
            return super.onFileRemove(deleteId);
        }
    },
});
