/**
 * The encryption at rest shared with the service worker and the unlock page:
 * static/lib/offline_crypto.js, a plain script loaded before the modules of
 * the bundle (see the manifest), read here as a module.
 *
 * @type {{ Keyring: any, UnknownKeyError: any, MAX_UNLOCK_FAILURES: number, fromBase64: Function,
 *   readEntry: Function, writeEntry: Function, deleteEntry: Function, forgetKeysExcept: Function,
 *   keepForBrowserSession: Function, storedKey: Function, wrapWithSecret: Function, unlock: Function }}
 */
export const offlineCrypto = globalThis.offlineModeCrypto;
export const Keyring = offlineCrypto.Keyring;
