import { describe, expect, test } from "@odoo/hoot";
import { BrowserDatabase, requestResult } from "@offline_mode/core/browser_db";
import { READ_CACHE_UPGRADES } from "@offline_mode/core/read_cache/read_cache_schema";
import { ReadCacheStore } from "@offline_mode/core/read_cache/read_cache_store";
import { storeOfItsOwn } from "./offline_test_helpers";

describe.current.tags("headless");

/** A store in a database of its own, deleted after the test. */
function makeStore() {
    return storeOfItsOwn((name) => new ReadCacheStore(name));
}

function entry(key, size, tags = []) {
    return { key, json: JSON.stringify("x".repeat(size)), tags };
}

test("stores answers and gives them back", async () => {
    const store = makeStore();
    await store.putEntries([
        entry("a", 10, ["form:res.partner:1"]),
        { key: "b", json: '{"id":2}', tags: [] },
    ]);
    expect(await store.getJson("b")).toBe('{"id":2}');
    expect(await store.getJson("missing")).toBe(undefined);
    const found = await store.findTags(["form:res.partner:1", "form:res.partner:2"]);
    expect([...found]).toEqual([
        ["form:res.partner:1", true],
        ["form:res.partner:2", false],
    ]);
});

test("an answer stored again for another view keeps the tags of the first", async () => {
    // CRM's "My Quotations" and Sales' "Quotations" are two actions sending the same reads.
    const store = makeStore();
    await store.putEntries([entry("same request", 10, ["view:1:kanban"])]);
    await store.putEntries([entry("same request", 10, ["view:2:kanban"])]);
    const found = await store.findTags(["view:1:kanban", "view:2:kanban"]);
    expect([...found.values()]).toEqual([true, true]);
});

test("the database holds the read cache stores", async () => {
    const store = makeStore();
    const db = await store.database();
    expect([...db.objectStoreNames].sort()).toEqual([
        "pins",
        "read_entries",
        "read_payloads",
        "read_usage",
        "record_names",
        "searches",
    ]);
});

test("keeps a running total of the size of stored answers", async () => {
    const store = makeStore();
    let usage = await store.putEntries([entry("a", 100), entry("b", 200)]);
    const sizeOf = ({ key, json }) => key.length + json.length;
    expect(usage).toEqual({ bytes: sizeOf(entry("a", 100)) + sizeOf(entry("b", 200)), entries: 2 });
    // Replacing an answer counts its new size instead of the old one.
    usage = await store.putEntries([entry("a", 10)]);
    expect(usage).toEqual({ bytes: sizeOf(entry("a", 10)) + sizeOf(entry("b", 200)), entries: 2 });
    expect(await store.usage()).toEqual(usage);
});

test("evicts the least recently used answers first, down to the target", async () => {
    const store = makeStore();
    await store.putEntries([entry("old", 100)], 1000);
    await store.putEntries([entry("recent", 100)], 2000);
    await store.putEntries([entry("newest", 100)], 3000);
    // Reading "old" offline makes it the most recently used.
    await store.touch(["old"], 4000);
    const { bytes } = await store.usage();
    const result = await store.evictTo(bytes - 1);
    expect(result.evicted).toBe(1);
    expect(result.tags.size).toBe(0);
    expect(await store.getJson("recent")).toBe(undefined);
    expect(await store.getJson("old")).not.toBe(undefined);
    expect(await store.getJson("newest")).not.toBe(undefined);
    expect((await store.usage()).entries).toBe(2);
});

test("pinned answers are never evicted nor cleared", async () => {
    const store = makeStore();
    await store.putEntries([entry("pinned", 100, ["form:res.partner:7"])], 1000);
    await store.putEntries([entry("other", 100, ["form:res.partner:8"])], 2000);
    await store.pin("form:res.partner:7");
    expect(await store.pinnedTags()).toEqual(["form:res.partner:7"]);

    await store.evictTo(0);
    expect(await store.getJson("pinned")).not.toBe(undefined);
    expect(await store.getJson("other")).toBe(undefined);

    await store.putEntries([entry("other", 100, ["form:res.partner:8"])]);
    await store.clearReadData();
    expect(await store.getJson("pinned")).not.toBe(undefined);
    expect(await store.getJson("other")).toBe(undefined);

    await store.unpin("form:res.partner:7");
    await store.evictTo(0);
    expect(await store.getJson("pinned")).toBe(undefined);
    expect(await store.usage()).toEqual({ bytes: 0, entries: 0 });
});

test("answers older than the expiry are not served and can be deleted", async () => {
    const store = makeStore();
    const day = 24 * 60 * 60 * 1000;
    const now = 100 * day;
    await store.putEntries([entry("stale", 10, ["view:1:list"])], now - 8 * day);
    await store.putEntries([entry("fresh", 10, ["view:1:kanban"])], now - 6 * day);
    const maxAgeMs = 7 * day;
    expect(await store.getJson("stale", { maxAgeMs, now })).toBe(undefined);
    expect(await store.getJson("fresh", { maxAgeMs, now })).not.toBe(undefined);
    expect(await store.getJson("stale", { now })).not.toBe(undefined);
    const found = await store.findTags(["view:1:list", "view:1:kanban"], { maxAgeMs, now });
    expect(found.get("view:1:list")).toBe(false);
    expect(found.get("view:1:kanban")).toBe(true);

    const { evicted, tags } = await store.deleteExpired(maxAgeMs, now);
    expect(evicted).toBe(1);
    expect([...tags]).toEqual(["view:1:list"]);
    expect((await store.usage()).entries).toBe(1);
});

test("remembers the most recent searches of each action", async () => {
    const store = makeStore();
    for (let index = 0; index < 4; index++) {
        await store.saveSearch(
            {
                id: `3:list:${index}`,
                actionId: 3,
                label: `search ${index}`,
                state: {},
                usedAt: index,
            },
            3
        );
    }
    await store.saveSearch(
        { id: "4:list:0", actionId: 4, label: "elsewhere", state: {}, usedAt: 9 },
        3
    );
    const searches = await store.searchesFor(3);
    expect(searches.map((search) => search.label)).toEqual(["search 3", "search 2", "search 1"]);
    // Clearing the read data forgets them too.
    await store.clearReadData();
    expect(await store.searchesFor(3)).toEqual([]);
});

test("deleting the database removes everything", async () => {
    const store = makeStore();
    await store.putEntries([entry("a", 10)]);
    await store.pin("form:res.partner:1");
    await store.deleteDatabase();
    expect(await store.getJson("a")).toBe(undefined);
    expect(await store.pinnedTags()).toEqual([]);
});

test("a long eviction runs in several transactions without losing its place", async () => {
    const store = makeStore();
    // 2,500 answers stored in one batch share the same "last used" time.
    await store.putEntries(
        Array.from({ length: 2500 }, (_, index) =>
            entry(`k${String(index).padStart(4, "0")}`, 10, [`t:${index}`])
        ),
        1000
    );
    await store.pin("t:5");
    await store.pin("t:1500");
    const { bytes, entries } = await store.usage();
    const entrySize = bytes / entries;
    const result = await store.evictTo(bytes - 2200 * entrySize);
    expect(result.evicted).toBe(2200);
    expect(await store.usage()).toEqual({ bytes: bytes - 2200 * entrySize, entries: 300 });
    expect(await store.getJson("k0005")).not.toBe(undefined);
    expect(await store.getJson("k1500")).not.toBe(undefined);

    const cleared = await store.clearReadData();
    expect(cleared.evicted).toBe(298);
    expect((await store.usage()).entries).toBe(2);
});

/** The keys of the stored answers, in eviction order. */
async function storedKeys(store) {
    const infos = await store.transaction(["read_entries"], "readonly", (tx) =>
        requestResult(tx.objectStore("read_entries").getAll())
    );
    return infos.map((info) => info.key);
}

test("pinned answers sharing a time of use with evicted ones are kept across transactions", async () => {
    const store = makeStore();
    const key = (prefix, index) => `${prefix}${String(index).padStart(4, "0")}`;
    // 2,500 answers stored together; the first 1,200 pinned: more than one
    // transaction visits, all before the ones to delete at the same time.
    await store.putEntries(
        Array.from({ length: 2500 }, (_, index) =>
            entry(key("a", index), 10, [index < 1200 ? "kept" : `t:${index}`])
        ),
        1000
    );
    await store.putEntries(
        Array.from({ length: 10 }, (_, index) => entry(key("b", index), 10, [`u:${index}`])),
        2000
    );
    await store.pin("kept");
    const { bytes, entries } = await store.usage();
    const entrySize = bytes / entries;

    const result = await store.evictTo(bytes - 1305 * entrySize);
    expect(result.evicted).toBe(1305);
    expect(result.freedBytes).toBe(1305 * entrySize);
    expect(await store.usage()).toEqual({
        bytes: bytes - 1305 * entrySize,
        entries: 1205,
    });
    // The pinned ones moved after the others.
    const kept = await storedKeys(store);
    expect(kept.length).toBe(1205);
    expect(kept.slice(0, 5)).toEqual(["b0005", "b0006", "b0007", "b0008", "b0009"]);
    expect(kept.at(-1)).toBe("a1199");

    // Expiry stops at its time, pinned answers before it skipped.
    expect((await store.deleteExpired(1, 2001)).evicted).toBe(0);
    expect((await store.deleteExpired(1, 2002)).evicted).toBe(5);
    expect((await store.clearReadData()).evicted).toBe(0);
    expect(await store.usage()).toEqual({
        bytes: 1200 * entrySize,
        entries: 1200,
    });

    await store.unpin("kept");
    expect((await store.evictTo(0)).evicted).toBe(1200);
    expect(await store.usage()).toEqual({ bytes: 0, entries: 0 });
});

test("a pass stopped partway leaves the usage total exact, and the next one goes on in order", async () => {
    const store = makeStore();
    // 3,000 answers used in groups of 700 (groups across transactions), one in 7 pinned.
    const all = Array.from({ length: 3000 }, (_, index) => ({
        ...entry(`k${String(index).padStart(4, "0")}`, 10 + (index % 5), [
            index % 7 === 3 ? "kept" : `t:${index}`,
        ]),
        usedAt: Math.floor(index / 700),
    }));
    for (let usedAt = 0; usedAt < 5; usedAt++) {
        await store.putEntries(
            all.filter((answer) => answer.usedAt === usedAt),
            usedAt
        );
    }
    await store.pin("kept");
    const sizeOf = ({ key, json }) => key.length + json.length;
    const expectLeft = async (left) => {
        expect((await storedKeys(store)).sort()).toEqual(left.map((answer) => answer.key));
        expect(await store.usage()).toEqual({
            bytes: left.reduce((sum, answer) => sum + sizeOf(answer), 0),
            entries: left.length,
        });
    };
    const { bytes } = await store.usage();
    const unpinned = all.filter((answer) => answer.tags[0] !== "kept");

    // Down to what stays once the 1,500 least recently used unpinned ones are gone.
    const firstGone = new Set(unpinned.slice(0, 1500));
    const firstTarget = bytes - [...firstGone].reduce((sum, answer) => sum + sizeOf(answer), 0);
    expect((await store.evictTo(firstTarget)).evicted).toBe(1500);
    await expectLeft(all.filter((answer) => !firstGone.has(answer)));

    // A second pass resumes after them, and stops once at or under its target:
    // one byte over what 2,100 gone leaves, reached with the 2,100th gone.
    const secondGone = new Set(unpinned.slice(0, 2100));
    const secondTarget =
        bytes - [...secondGone].reduce((sum, answer) => sum + sizeOf(answer), 0) + 1;
    expect((await store.evictTo(secondTarget)).evicted).toBe(600);
    await expectLeft(all.filter((answer) => !secondGone.has(answer)));
});

test("an eviction over pinned answers only ends, deleting nothing", async () => {
    const store = makeStore();
    await store.putEntries(
        Array.from({ length: 2500 }, (_, index) => entry(`k${index}`, 10, ["kept"])),
        1000
    );
    await store.pin("kept");
    const usage = await store.usage();
    expect((await store.evictTo(0)).evicted).toBe(0);
    expect((await store.clearReadData()).evicted).toBe(0);
    expect(await store.usage()).toEqual(usage);
});

test("answers used since stored go in the order of their last use", async () => {
    const store = makeStore();
    for (let index = 1; index <= 6; index++) {
        await store.putEntries([entry(`k${index}`, 10)], index * 1000);
    }
    // k1, used after k3 was stored, goes right after it; k2, used last, goes last.
    await store.touch(["k1"], 3500);
    await store.touch(["k2"], 9000);
    const { bytes, entries } = await store.usage();
    const entrySize = bytes / entries;
    expect((await store.evictTo(bytes - 4 * entrySize)).evicted).toBe(4);
    expect((await storedKeys(store)).sort()).toEqual(["k2", "k6"]);
    expect((await store.evictTo(entrySize)).evicted).toBe(1);
    expect(await storedKeys(store)).toEqual(["k2"]);
});

test("a read cache of the previous schema is kept, in the order of last use", async () => {
    // The store opens its database at first use: until then, the previous release writes it.
    const store = makeStore();
    const previous = new BrowserDatabase(store.name, {
        upgrades: READ_CACHE_UPGRADES.slice(0, 2),
    });
    await previous.transaction(
        ["read_entries", "read_payloads", "read_usage"],
        "readwrite",
        (tx) => {
            [
                ["used", 3000],
                ["old", 1000],
                ["recent", 2000],
            ].forEach(([key, usedAt]) => {
                const info = { key, tags: [`t:${key}`], size: 10, storedAt: 1000, usedAt };
                tx.objectStore("read_entries").put(info);
                tx.objectStore("read_payloads").put({ key, json: `"${key}"` });
            });
            return requestResult(
                tx.objectStore("read_usage").put({ id: "usage", bytes: 30, entries: 3 })
            );
        }
    );
    await previous.close();
    expect(await store.getJson("old")).toBe('"old"');
    expect(await storedKeys(store)).toEqual(["old", "recent", "used"]);
    expect(await store.keysWithTag("t:used", 10)).toEqual(["used"]);
    expect((await store.evictTo(10)).evicted).toBe(2);
    expect(await store.getJson("used")).toBe('"used"');
    const db = await store.database();
    expect(db.objectStoreNames.contains("read_entries_v2")).toBe(false);
});
