import { onRpc } from "@web/../tests/web_test_helpers";
import { Keyring } from "@offline_mode/core/crypto/offline_crypto";

/** The key the mock server hands out in unit tests (32 bytes, base64). */
export const TEST_KEY = {
    key_id: "00112233aabbccdd",
    key: btoa("offline mode unit tests key 32 b"),
};

/** What the test key seals and opens with. */
export function testKeyring() {
    return Keyring.of([
        { keyId: TEST_KEY.key_id, raw: new TextEncoder().encode(atob(TEST_KEY.key)) },
    ]);
}

/** The server's /offline_mode/key answers with the test key (unlock by password, no wrapped key). */
export function serveTestKey(answer = {}) {
    onRpc("/offline_mode/key", () => ({
        ...TEST_KEY,
        previous_keys: {},
        unlock: "password",
        iterations: 1000,
        ...answer,
    }));
}
