// @odoo-module ignore
/**
 * Encryption at rest of what offline mode keeps in the browser, in one place
 * for the three that use it: the web client (core/crypto/offline_crypto.js),
 * the service worker (this file is put before it, see controllers/main.py) and
 * the unlock page (static/unlock/). A plain script: it runs in all three.
 *
 * Each user has a data key (32 random bytes, the server's, /offline_mode/key).
 * From it HKDF gives:
 * - the sealing key (AES-GCM): a sealed value is
 *   [format 1][key id, 8 bytes][iv, 12 bytes][ciphertext and tag]; the key id
 *   finds the key again after the server issued a new one; `context` (a
 *   change's uuid, a file's URL) is bound to it as additional data, so that a
 *   sealed value moved elsewhere does not open;
 * - the naming key (HMAC-SHA256): a stable name, in clear, for something secret
 *   that a lookup needs (a cache key holding typed text).
 *
 * The data key is never stored in clear (except when the administrator does not
 * require the unlock, see "device" below). Its stored forms, in Cache Storage
 * "offline_mode_keys", per user ("<db>:<uid>"):
 * - "session": sealed by the browser session key, 32 random bytes in a session
 *   cookie (no expiry). Chromium keeps such cookies in memory only, so a
 *   reload or a new tab finds the key while the browser runs, and a restart
 *   does not. (With "Continue where you left off", Chromium keeps session
 *   cookies across restarts: then the unlock is asked only once the browser's
 *   own session ends; see the admin guide.) Its path is "/": the service
 *   worker's cookieStore sees no narrower one (Chromium reads cookies there
 *   for the worker's script URL). It goes to the server with each request; the
 *   server holds the data key anyway.
 * - "unlock": wrapped (AES-KW) by a key derived from the password (by the
 *   server at sign-in, see models/offline_user_key.py) or from the offline PIN
 *   (here), PBKDF2-SHA256; a wrong one fails AES-KW's integrity check. After
 *   MAX_UNLOCK_FAILURES wrong ones in a row, the wrapped key is deleted: locked
 *   until the next online start.
 * - "device": in clear, only when the unlock is not required.
 */
globalThis.offlineModeCrypto = (() => {
    const FORMAT_VERSION = 1;
    const KEY_ID_BYTES = 8;
    const IV_BYTES = 12;
    const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES;
    const KEYS_CACHE = "offline_mode_keys";
    const SESSION_COOKIE = "offline_mode_session_key";
    const MAX_UNLOCK_FAILURES = 5;
    const subtle = globalThis.crypto.subtle;
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();

    class UnknownKeyError extends Error {}

    function toBase64(bytes) {
        let text = "";
        for (const byte of bytes) {
            text += String.fromCharCode(byte);
        }
        return btoa(text);
    }

    function fromBase64(text) {
        return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (char) =>
            char.charCodeAt(0)
        );
    }

    function toBase64Url(bytes) {
        return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }

    function hexOf(bytes) {
        return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    }

    function bytesOfHex(hex) {
        return Uint8Array.from(hex.match(/../g), (pair) => parseInt(pair, 16));
    }

    function deriveFrom(base, info, algorithm, usages) {
        const params = {
            name: "HKDF",
            hash: "SHA-256",
            salt: new Uint8Array(),
            info: encoder.encode(info),
        };
        return subtle.deriveKey(params, base, algorithm, false, usages);
    }

    /**
     * What seals and opens a user's data: the current key, and older ones for
     * what was sealed before the server issued a new one.
     */
    class Keyring {
        constructor(keyId, sealing, naming, sealingById) {
            this.keyId = keyId;
            this._keyIdBytes = bytesOfHex(keyId);
            this._sealing = sealing;
            this._naming = naming;
            this._sealingById = sealingById;
        }

        /**
         * @param {{ keyId: string, raw: Uint8Array }[]} keys the current one first
         * @returns {Promise<Keyring>}
         */
        static async of(keys) {
            const derived = await Promise.all(
                keys.map(async ({ keyId, raw }) => {
                    const base = await subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
                    const [sealing, naming] = await Promise.all([
                        deriveFrom(base, "offline_mode sealing", { name: "AES-GCM", length: 256 }, [
                            "encrypt",
                            "decrypt",
                        ]),
                        deriveFrom(
                            base,
                            "offline_mode naming",
                            { name: "HMAC", hash: "SHA-256", length: 256 },
                            ["sign"]
                        ),
                    ]);
                    return { keyId, sealing, naming };
                })
            );
            const byId = new Map(derived.map(({ keyId, sealing }) => [keyId, sealing]));
            return new Keyring(derived[0].keyId, derived[0].sealing, derived[0].naming, byId);
        }

        /** @returns {Promise<Uint8Array>} */
        async seal(bytes, context = "") {
            const sealed = new Uint8Array(HEADER_BYTES + bytes.byteLength + 16);
            const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
            const ciphertext = await subtle.encrypt(
                { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
                this._sealing,
                bytes
            );
            sealed[0] = FORMAT_VERSION;
            sealed.set(this._keyIdBytes, 1);
            sealed.set(iv, 1 + KEY_ID_BYTES);
            sealed.set(new Uint8Array(ciphertext), HEADER_BYTES);
            return sealed;
        }

        /** Whether this keyring holds the key `sealed` was sealed with. */
        canOpen(sealed) {
            return (
                sealed?.[0] === FORMAT_VERSION &&
                this._sealingById.has(hexOf(sealed.subarray(1, 1 + KEY_ID_BYTES)))
            );
        }

        /** Whether `sealed` was sealed with the current key. */
        isCurrent(sealed) {
            return (
                this.canOpen(sealed) && hexOf(sealed.subarray(1, 1 + KEY_ID_BYTES)) === this.keyId
            );
        }

        /**
         * @returns {Promise<Uint8Array>}
         * @throws {UnknownKeyError} sealed with a key this keyring does not hold;
         *   a DOMException (OperationError) when altered or opened in another context
         */
        async open(sealed, context = "") {
            sealed = sealed instanceof Uint8Array ? sealed : new Uint8Array(sealed);
            if (!this.canOpen(sealed)) {
                throw new UnknownKeyError("Sealed with a key this browser does not hold");
            }
            const key = this._sealingById.get(hexOf(sealed.subarray(1, 1 + KEY_ID_BYTES)));
            const iv = sealed.subarray(1 + KEY_ID_BYTES, HEADER_BYTES);
            const plain = await subtle.decrypt(
                { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
                key,
                sealed.subarray(HEADER_BYTES)
            );
            return new Uint8Array(plain);
        }

        sealText(text, context) {
            return this.seal(encoder.encode(text), context);
        }

        async openText(sealed, context) {
            return decoder.decode(await this.open(sealed, context));
        }

        sealJson(value, context) {
            return this.sealText(JSON.stringify(value), context);
        }

        async openJson(sealed, context) {
            return JSON.parse(await this.openText(sealed, context));
        }

        /** A stable name for `text` that tells nothing of it without the key. */
        async nameOf(text) {
            return toBase64Url(
                new Uint8Array(await subtle.sign("HMAC", this._naming, encoder.encode(text)))
            );
        }
    }

    // -------------------------------------------------------------------------
    // The stored forms of the key
    // -------------------------------------------------------------------------

    function entryUrl(user, kind) {
        return `/offline_mode/keys/${encodeURIComponent(user)}/${kind}`;
    }

    async function readEntry(user, kind) {
        const stored = await caches.match(entryUrl(user, kind), { cacheName: KEYS_CACHE });
        return stored ? stored.json() : null;
    }

    async function writeEntry(user, kind, value) {
        const cache = await caches.open(KEYS_CACHE);
        await cache.put(entryUrl(user, kind), new Response(JSON.stringify(value)));
    }

    async function deleteEntry(user, kind) {
        const cache = await caches.open(KEYS_CACHE);
        await cache.delete(entryUrl(user, kind));
    }

    /** Deletes every stored form of the key of every user but `user` (all when null). */
    async function forgetKeysExcept(user) {
        const cache = await caches.open(KEYS_CACHE);
        const kept = user && new URL(entryUrl(user, ""), globalThis.location.origin).href;
        const requests = await cache.keys();
        await Promise.all(
            requests
                .filter((request) => !kept || !request.url.startsWith(kept))
                .map((request) => cache.delete(request))
        );
    }

    function cookieValue(cookies, name) {
        const found = cookies
            .split(";")
            .map((cookie) => cookie.trim())
            .find((cookie) => cookie.startsWith(`${name}=`));
        return found ? found.slice(name.length + 1) : null;
    }

    /** The browser session key; made (pages only) when `create` and missing. Null when none. */
    async function browserSessionKey({ create = false } = {}) {
        let value;
        if (globalThis.document) {
            value = cookieValue(document.cookie, SESSION_COOKIE);
            if (!value && create) {
                value = toBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
                const secure = location.protocol === "https:" ? "; Secure" : "";
                // No Expires/Max-Age: a session cookie, gone when the browser closes.
                document.cookie = `${SESSION_COOKIE}=${value}; Path=/; SameSite=Strict${secure}`;
            }
        } else {
            value = (await globalThis.cookieStore?.get(SESSION_COOKIE))?.value;
        }
        return value
            ? subtle.importKey("raw", fromBase64(value), "AES-GCM", false, ["encrypt", "decrypt"])
            : null;
    }

    /** Keeps the data key for reloads and new tabs while the browser runs. */
    async function keepForBrowserSession(user, { keyId, raw }) {
        const sessionKey = await browserSessionKey({ create: true });
        const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
        const sealed = await subtle.encrypt(
            { name: "AES-GCM", iv, additionalData: encoder.encode(user) },
            sessionKey,
            raw
        );
        await writeEntry(user, "session", {
            keyId,
            iv: toBase64(iv),
            sealed: toBase64(new Uint8Array(sealed)),
        });
    }

    /** The data key kept for this browser session, or kept on the device; null when locked. */
    async function storedKey(user) {
        const [session, device] = await Promise.all([
            readEntry(user, "session"),
            readEntry(user, "device"),
        ]);
        const sessionKey = session && (await browserSessionKey());
        if (sessionKey) {
            try {
                const raw = await subtle.decrypt(
                    {
                        name: "AES-GCM",
                        iv: fromBase64(session.iv),
                        additionalData: encoder.encode(user),
                    },
                    sessionKey,
                    fromBase64(session.sealed)
                );
                return { keyId: session.keyId, raw: new Uint8Array(raw) };
            } catch {
                // sealed in an earlier browser session
            }
        }
        return device ? { keyId: device.keyId, raw: fromBase64(device.key) } : null;
    }

    async function secretKey(secret, salt, iterations) {
        const base = await subtle.importKey("raw", encoder.encode(secret), "PBKDF2", false, [
            "deriveKey",
        ]);
        return subtle.deriveKey(
            { name: "PBKDF2", hash: "SHA-256", salt, iterations },
            base,
            { name: "AES-KW", length: 256 },
            false,
            ["wrapKey", "unwrapKey"]
        );
    }

    /** The data key wrapped by a key derived from `secret` (the offline PIN). */
    async function wrapWithSecret({ keyId, raw }, secret, iterations) {
        const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
        const key = await subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, true, [
            "sign",
        ]);
        const wrapped = await subtle.wrapKey(
            "raw",
            key,
            await secretKey(secret, salt, iterations),
            "AES-KW"
        );
        return {
            keyId,
            wrapped: toBase64(new Uint8Array(wrapped)),
            salt: toBase64(salt),
            iterations,
        };
    }

    /**
     * Unlocks the data key with the password (or PIN); kept for this browser
     * session when right.
     *
     * @returns {Promise<{ status: "unlocked"|"wrong"|"locked", triesLeft?: number }>}
     */
    async function unlock(user, secret) {
        const entry = await readEntry(user, "unlock");
        if (!entry?.wrapped) {
            return { status: "locked" };
        }
        let raw;
        try {
            const kek = await secretKey(secret, fromBase64(entry.salt), entry.iterations);
            // Unwrapped as an exportable HMAC key: the way to get its bytes back.
            const key = await subtle.unwrapKey(
                "raw",
                fromBase64(entry.wrapped),
                kek,
                "AES-KW",
                { name: "HMAC", hash: "SHA-256" },
                true,
                ["sign"]
            );
            raw = new Uint8Array(await subtle.exportKey("raw", key));
        } catch {
            const failures = (entry.failures || 0) + 1;
            if (failures >= MAX_UNLOCK_FAILURES) {
                await writeEntry(user, "unlock", {
                    method: entry.method,
                    keyId: entry.keyId,
                    failures,
                });
                return { status: "locked" };
            }
            await writeEntry(user, "unlock", { ...entry, failures });
            return { status: "wrong", triesLeft: MAX_UNLOCK_FAILURES - failures };
        }
        await writeEntry(user, "unlock", { ...entry, failures: 0 });
        await keepForBrowserSession(user, { keyId: entry.keyId, raw });
        return { status: "unlocked" };
    }

    return {
        Keyring,
        UnknownKeyError,
        MAX_UNLOCK_FAILURES,
        fromBase64,
        readEntry,
        writeEntry,
        deleteEntry,
        forgetKeysExcept,
        keepForBrowserSession,
        storedKey,
        wrapWithSecret,
        unlock,
    };
})();
