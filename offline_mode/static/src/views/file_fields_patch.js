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
 *
 * The patch of `method` that refuses it offline with `message()`. A new object
 * per patched class: `super` is bound to the object patched with.
 */
function refusedOffline(method, message) {
    return {
        [method]() {
            if (!this.env.services.offline_connectivity?.status.isOffline) {
                return super[method](...arguments);
            }
            this.env.services.notification.add(message(), { type: "warning" });
        },
    };
}

const uploadMessage = () =>
    _t("Uploading files needs a connection to the server. Try again once you are back online.");
const deleteMessage = () =>
    _t("Deleting files needs a connection to the server. Try again once you are back online.");

patch(FileInput.prototype, refusedOffline("onTriggerClicked", uploadMessage));
patch(FileUploader.prototype, refusedOffline("onSelectFileButtonClick", uploadMessage));
// Uploads are refused before the file is chosen: what is left is clearing.
patch(BinaryField.prototype, refusedOffline("update", deleteMessage));
patch(ImageField.prototype, refusedOffline("onFileRemove", deleteMessage));
patch(Many2ManyBinaryField.prototype, refusedOffline("onFileRemove", deleteMessage));
