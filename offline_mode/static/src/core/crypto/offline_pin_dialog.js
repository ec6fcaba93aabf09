import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";

/** Shortest offline PIN: each guess of a stolen copy costs a slow derivation, but few digits are few guesses. */
export const PIN_MIN_LENGTH = 6;

/**
 * Asked once of users who sign in without a password (external sign-in): the
 * PIN that unlocks their offline data after a browser restart (see
 * offline_key_service.js).
 */
export class OfflinePinDialog extends Component {
    static template = "offline_mode.OfflinePinDialog";
    static components = { Dialog };
    static props = { save: Function, close: Function };

    setup() {
        this.state = useState({ pin: "", confirmation: "", error: "", saving: false });
        this.minLength = PIN_MIN_LENGTH;
    }

    async onSave() {
        const { pin, confirmation } = this.state;
        if (pin.length < PIN_MIN_LENGTH) {
            this.state.error = _t("The PIN needs at least %s characters.", PIN_MIN_LENGTH);
        } else if (pin !== confirmation) {
            this.state.error = _t("The two PINs differ.");
        } else {
            this.state.saving = true;
            await this.props.save(pin);
            this.props.close();
        }
    }
}
