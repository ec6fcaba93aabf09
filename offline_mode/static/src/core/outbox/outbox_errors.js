/**
 * Why a change could not be queued: the user is told, and the change stays on
 * screen (nothing is queued, nothing is lost).
 */
import { _t } from "@web/core/l10n/translation";

/** The browser storage is full (quota): the queueing transaction was aborted. */
export class OutboxFullError extends Error {
    constructor(cause) {
        super("The browser storage is full: the change could not be queued.", { cause });
    }

    /** What the user is told. */
    get userMessage() {
        return _t(
            "Your change could not be saved offline: this browser's storage is full. It is still on screen; free some space or reconnect, then save again."
        );
    }
}

/**
 * No key to encrypt with (it could not be fetched nor unlocked): the change is
 * refused the way it is when the storage is full, and stays on screen.
 */
export class OutboxLockedError extends OutboxFullError {
    constructor() {
        super();
        this.message = "The offline data of this user is locked: the change could not be queued.";
    }

    get userMessage() {
        return _t(
            "Your change could not be saved offline: your offline data is locked. It is still on screen; reconnect, then save again."
        );
    }
}
