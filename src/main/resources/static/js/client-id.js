import { CLIENT_ID_FORMAT } from './heartbeat-client.js';

/**
 * The id this browser sends as `?client=` on /ws, so that the server files its tabs and its
 * reconnects under one presence key (`client:<id>`). Kept in localStorage, which every tab of one
 * browser profile shares; where storage is unavailable (blocked, or a sandboxed frame), one per
 * page load, so the page still works and only counts as a client of its own.
 *
 * The id is the browser's own claim: the server shows it, and trusts nothing to it.
 */

export const STORAGE_KEY = 'heartbeat.clientId';

/**
 * A fresh random id. crypto.randomUUID() exists only in secure contexts (https, localhost); a
 * demo opened over plain http on a LAN address falls back to getRandomValues, which exists everywhere.
 */
export function newClientId(crypto = globalThis.crypto) {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * This browser's client id: the stored one, else a new one, stored for the next tab and load.
 * @param {Storage|null} [storage] localStorage, or null where it cannot be used
 */
export function clientId(storage = localStorageOrNull(), crypto = globalThis.crypto) {
  try {
    const stored = storage?.getItem(STORAGE_KEY);
    if (typeof stored === 'string' && CLIENT_ID_FORMAT.test(stored)) {
      return stored;
    }
    const id = newClientId(crypto);
    storage?.setItem(STORAGE_KEY, id);
    return id;
  } catch {
    // Storage that throws on use (full, or denied after all): this load's own id.
    return newClientId(crypto);
  }
}

/** Merely reading window.localStorage throws where the browser denies storage. */
function localStorageOrNull() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
