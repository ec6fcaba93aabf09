import { after, describe, expect, test } from "@odoo/hoot";
import { Keyring, offlineCrypto } from "@offline_mode/core/crypto/offline_crypto";
import { openNames, sealEntries, sealNames } from "@offline_mode/core/crypto/read_cache_sealing";
import { newUuid } from "@offline_mode/core/offline_change";
import { OutboxLockedError } from "@offline_mode/core/outbox/outbox_errors";
import { OutboxStore } from "@offline_mode/core/outbox/outbox_store";
import { requestResult } from "@offline_mode/core/browser_db";
import { edit, NAME } from "./offline_edit_test_helpers";
import { storeOfItsOwn } from "./offline_test_helpers";
import { TEST_KEY, testKeyring } from "./offline_key_test_helpers";

describe.current.tags("headless");

const MARKER = "Zebra-Quartz-7781";

function randomKey() {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const keyId = [...crypto.getRandomValues(new Uint8Array(8))]
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
    return { keyId, raw };
}

function uniqueUser() {
    const user = `test_${newUuid()}:7`;
    after(() => offlineCrypto.forgetKeysExcept(null));
    return user;
}

function uniqueStore(keyring) {
    return storeOfItsOwn((name) => new OutboxStore(name, keyring));
}

function namedEdit(resId, name) {
    return { ...edit(resId, { name }, { name: "Before" }, { name: NAME }), recordName: name };
}

/** The stored form of every change, as any script of the origin reads it. */
async function rawChanges(store) {
    const db = await store.database();
    return requestResult(db.transaction("changes").objectStore("changes").getAll());
}

describe("sealing", () => {
    test("a sealed value opens with its key and context only", async () => {
        const keyring = await Keyring.of([randomKey()]);
        const sealed = await keyring.sealText(MARKER, "change-1");
        expect(new TextDecoder().decode(sealed)).not.toInclude(MARKER);
        expect(await keyring.openText(sealed, "change-1")).toBe(MARKER);
        await expect(keyring.openText(sealed, "change-2")).rejects.toThrow();
        const other = await Keyring.of([randomKey()]);
        await expect(other.openText(sealed, "change-1")).rejects.toThrow(
            offlineCrypto.UnknownKeyError
        );
    });

    test("what was sealed with a previous key still opens; new values use the current one", async () => {
        const previous = randomKey();
        const old = await (await Keyring.of([previous])).sealText(MARKER, "x");
        const renewed = await Keyring.of([randomKey(), previous]);
        expect(await renewed.openText(old, "x")).toBe(MARKER);
        expect(renewed.isCurrent(old)).toBe(false);
        expect(renewed.isCurrent(await renewed.sealText(MARKER, "x"))).toBe(true);
    });

    test("names are stable for a key and tell nothing of what they name", async () => {
        const keyring = await Keyring.of([randomKey()]);
        const name = await keyring.nameOf(MARKER);
        expect(await keyring.nameOf(MARKER)).toBe(name);
        expect(name).not.toInclude(MARKER);
        expect(await (await Keyring.of([randomKey()])).nameOf(MARKER)).not.toBe(name);
    });
});

describe("unlock", () => {
    test("the key wrapped by the server at sign-in opens with the password, not with another", async () => {
        // Wrapped by models/offline_user_key.py (wrap_with_password) with this salt and 1000 iterations.
        const user = uniqueUser();
        await offlineCrypto.writeEntry(user, "unlock", {
            method: "password",
            keyId: TEST_KEY.key_id,
            wrapped: "I5848xRYpEi/igid//DgU+tElaImaKM10u6Qt4cXjFkLnHiFLJla8g==",
            salt: "AAECAwQFBgcICQoLDA0ODw==",
            iterations: 1000,
            failures: 0,
        });
        expect(await offlineCrypto.unlock(user, "password")).toEqual({
            status: "wrong",
            triesLeft: 4,
        });
        expect(await offlineCrypto.storedKey(user)).toBe(null);
        expect(await offlineCrypto.unlock(user, "pässword")).toEqual({ status: "unlocked" });
        const key = await offlineCrypto.storedKey(user);
        expect(key.keyId).toBe(TEST_KEY.key_id);
        const sealed = await (await testKeyring()).sealText(MARKER, "x");
        expect(await (await Keyring.of([key])).openText(sealed, "x")).toBe(MARKER);
        expect((await offlineCrypto.readEntry(user, "unlock")).failures).toBe(0);
    });

    test("wrong PINs in a row lock the key until the next online start; the session copy is sealed", async () => {
        const user = uniqueUser();
        const key = randomKey();
        const wrapped = await offlineCrypto.wrapWithSecret(key, "246810", 1000);
        await offlineCrypto.writeEntry(user, "unlock", { method: "pin", ...wrapped, failures: 0 });
        for (let tries = offlineCrypto.MAX_UNLOCK_FAILURES - 1; tries > 0; tries--) {
            expect(await offlineCrypto.unlock(user, "000000")).toEqual({
                status: "wrong",
                triesLeft: tries,
            });
        }
        expect(await offlineCrypto.unlock(user, "000000")).toEqual({ status: "locked" });
        expect(await offlineCrypto.unlock(user, "246810")).toEqual({ status: "locked" });
        expect((await offlineCrypto.readEntry(user, "unlock")).wrapped).toBe(undefined);

        await offlineCrypto.keepForBrowserSession(user, key);
        const session = await offlineCrypto.readEntry(user, "session");
        expect(session.sealed).not.toBe(btoa(String.fromCharCode(...key.raw)));
        expect((await offlineCrypto.storedKey(user)).raw).toEqual(key.raw);
    });

    test("another user's start forgets every stored form of the key but theirs", async () => {
        const first = uniqueUser();
        const second = uniqueUser();
        await offlineCrypto.keepForBrowserSession(first, randomKey());
        await offlineCrypto.keepForBrowserSession(second, randomKey());
        await offlineCrypto.forgetKeysExcept(second);
        expect(await offlineCrypto.storedKey(first)).toBe(null);
        expect(await offlineCrypto.storedKey(second)).not.toBe(null);
    });
});

describe("outbox at rest", () => {
    test("a stored change holds its values only sealed, and opens whole", async () => {
        const store = uniqueStore(testKeyring());
        const { queued } = await store.enqueue([namedEdit(7, MARKER)]);
        const [raw] = await rawChanges(store);
        expect(Object.keys(raw).sort()).toEqual([
            "model",
            "operation",
            "resId",
            "sealed",
            "sent",
            "seq",
            "status",
            "uuid",
        ]);
        expect(JSON.stringify(raw) + new TextDecoder().decode(raw.sealed)).not.toInclude(MARKER);
        expect(await store.all()).toEqual(queued);
    });

    test("a change sealed before the server issued a new key is sealed again, never lost", async () => {
        const previous = randomKey();
        const before = uniqueStore(Keyring.of([previous]));
        await before.enqueue([namedEdit(7, MARKER)]);
        await before.close();
        const after = new OutboxStore(before.name, Keyring.of([randomKey(), previous]));
        expect((await after.all())[0].values.name).toBe(MARKER);
        expect(await after.sealAgainWithCurrentKey()).toBe(1);
        const current = await after.keyring();
        expect(current.isCurrent((await rawChanges(after))[0].sealed)).toBe(true);
        const { batch } = await after.takeBatch(10);
        expect(batch.map((change) => change.values.name)).toEqual([MARKER]);
        await after.close();
    });

    test("without a key nothing is queued, and what waits is left as it is", async () => {
        const unlocked = uniqueStore(testKeyring());
        await unlocked.enqueue([namedEdit(7, MARKER)]);
        const stored = await rawChanges(unlocked);
        await unlocked.close();
        const locked = new OutboxStore(unlocked.name, null);
        await expect(locked.enqueue([namedEdit(8, "Other")])).rejects.toThrow(OutboxLockedError);
        await expect(locked.all()).rejects.toThrow(OutboxLockedError);
        expect(await rawChanges(locked)).toEqual(stored);
        await locked.close();
        // Another key (another user's) opens nothing, sends nothing, deletes nothing.
        const other = new OutboxStore(unlocked.name, Keyring.of([randomKey()]));
        expect(await other.all()).toEqual([]);
        expect((await other.takeBatch(10)).batch).toEqual([]);
        expect(await rawChanges(other)).toEqual(stored);
        await other.close();
    });
});

describe("read cache at rest", () => {
    test("answers are stored under a name of their key, sealed with it; names sealed", async () => {
        const keyring = await testKeyring();
        const key = JSON.stringify([
            "/web/dataset/call_kw/res.partner/name_search",
            { name: MARKER },
        ]);
        const [entry] = await sealEntries(keyring, [
            { key, json: `[[7, "${MARKER}"]]`, tags: ["model:res.partner"] },
        ]);
        expect(entry.key).not.toInclude(MARKER);
        expect(new TextDecoder().decode(entry.json)).not.toInclude(MARKER);
        expect(entry.tags).toEqual(["model:res.partner"]);
        const names = await sealNames(keyring, [{ model: "res.partner", id: 7, name: MARKER }]);
        expect(new TextDecoder().decode(names[0].name)).not.toInclude(MARKER);
        expect(await openNames(keyring, "res.partner", names)).toEqual([{ id: 7, name: MARKER }]);
        // A sealed name moved to another record does not open.
        expect(await openNames(keyring, "res.partner", [{ ...names[0], id: 8 }])).toEqual([]);
    });
});
