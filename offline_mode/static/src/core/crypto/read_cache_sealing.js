/**
 * The read cache's stored forms, encrypted at rest (see static/lib/offline_crypto.js):
 * - an answer is stored under a name of its key (HMAC: keys hold what the user
 *   typed, a search or an autocompletion), its key and JSON sealed together,
 *   so that the key is known again from the entry (formReadRequest);
 * - a record name (relational choices offline) keeps its model and id in clear
 *   (the indexes), its name sealed;
 * - a search run online keeps its action in clear, its id named, its label and
 *   state sealed.
 * Tags stay in clear: model names, ids, action ids, view types, which the
 * indexes need and which hold nothing the user typed or read.
 * All this runs outside IndexedDB transactions (WebCrypto would commit them).
 */

/** What the store keeps for answers `{ key, json, tags }`. */
export function sealEntries(keyring, entries) {
    return Promise.all(
        entries.map(async ({ key, json, tags }) => {
            const name = await keyring.nameOf(key);
            return { key: name, json: await keyring.sealText(`${key}\n${json}`, name), tags };
        })
    );
}

/** The stored name of the answer of `key`. */
export function entryName(keyring, key) {
    return keyring.nameOf(key);
}

/** `{ key, json }` of a stored answer; undefined when it cannot be opened (sealed with a replaced key). */
export async function openEntry(keyring, name, sealed) {
    try {
        const text = await keyring.openText(sealed, name);
        const split = text.indexOf("\n");
        return { key: text.slice(0, split), json: text.slice(split + 1) };
    } catch {
        return undefined;
    }
}

export function sealNames(keyring, names) {
    return Promise.all(
        names.map(async ({ model, id, name }) => ({
            model,
            id,
            name: await keyring.sealText(name, `${model}:${id}`),
        }))
    );
}

export async function openNames(keyring, model, names) {
    const opened = await Promise.all(
        names.map(({ id, name }) =>
            keyring.openText(name, `${model}:${id}`).then(
                (text) => ({ id, name: text }),
                () => null
            )
        )
    );
    return opened.filter(Boolean);
}

export async function sealSearch(keyring, { id, actionId, usedAt, ...secret }) {
    const name = await keyring.nameOf(id);
    return { id: name, actionId, usedAt, sealed: await keyring.sealJson(secret, name) };
}

export async function openSearches(keyring, searches) {
    const opened = await Promise.all(
        searches.map(({ id, actionId, usedAt, sealed }) =>
            keyring.openJson(sealed, id).then(
                (secret) => ({ ...secret, id, actionId, usedAt }),
                () => null
            )
        )
    );
    return opened.filter(Boolean);
}
