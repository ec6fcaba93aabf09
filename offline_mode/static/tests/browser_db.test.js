import { describe, expect, test } from "@odoo/hoot";
import { BrowserDatabase, isQuotaError, requestResult } from "@offline_mode/core/browser_db";
import { READ_CACHE_UPGRADES } from "@offline_mode/core/read_cache/read_cache_schema";
import { ReadCacheStore } from "@offline_mode/core/read_cache/read_cache_store";
import { storeOfItsOwn } from "./offline_test_helpers";

describe.current.tags("headless");

test("a database of an older version is upgraded in place, its data kept", async () => {
    // The read cache as a browser holds it since version 1 (no record names yet).
    const older = storeOfItsOwn(
        (name) => new BrowserDatabase(name, { upgrades: READ_CACHE_UPGRADES.slice(0, 1) })
    );
    await older.transaction(["pins"], "readwrite", (tx) =>
        requestResult(tx.objectStore("pins").put({ tag: "form:res.partner:7" }))
    );
    await older.close();

    const store = new ReadCacheStore(older.name);
    expect(await store.pinnedTags()).toEqual(["form:res.partner:7"]);
    await store.putNames([{ model: "res.partner", id: 7, name: "Azure" }]);
    expect(await store.namesOf("res.partner")).toEqual([{ id: 7, name: "Azure" }]);
    expect((await store.database()).version).toBe(READ_CACHE_UPGRADES.length);
    await store.close();
});

test("a transaction whose work fails writes nothing and throws its error", async () => {
    const database = storeOfItsOwn(
        (name) => new BrowserDatabase(name, { upgrades: READ_CACHE_UPGRADES })
    );
    const failing = database.transaction(["pins"], "readwrite", async (tx) => {
        tx.objectStore("pins").put({ tag: "kept?" });
        throw new Error("the work failed");
    });
    await expect(failing).rejects.toThrow("the work failed");
    const pins = await database.transaction(["pins"], "readonly", (tx) =>
        requestResult(tx.objectStore("pins").getAllKeys())
    );
    expect(pins).toEqual([]);
    expect(isQuotaError(new DOMException("full", "QuotaExceededError"))).toBe(true);
});
