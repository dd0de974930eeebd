/**
 * This page's own presence, as the server files it: the key `client:<id>` that every tab of this
 * browser shares, its state and how many sessions (tabs) it has: "online, 2 tabs",
 * "reconnecting (closed 1006)", "offline".
 *
 * The state comes from the presence stream's transitions of the key. The number of tabs does not:
 * a second tab opening or closing moves no state, so the key is read again
 * (GET /api/presence/{key}) whenever a session of this browser opens or closes. This tab knows
 * its own; the other tabs tell it theirs over a BroadcastChannel, which reaches exactly the tabs
 * that share this browser's localStorage, and so its client id. Each read is repeated briefly
 * until the server lists (or no longer lists) the session it was about: a tab's close frame may
 * reach the server after its goodbye on the channel reached this tab. Meanwhile a session known
 * to be gone is not counted, whatever the server still says.
 *
 * A reload is a tab leaving and coming back before anyone hears the goodbye: the page that
 * leaves writes its session into sessionStorage, which the tab keeps across the reload, and the
 * new page counts it as gone.
 */

const CHANNEL = 'heartbeat.presence';

/** sessionStorage: the session the previous page of this tab had when it was left. */
export const LEFT_SESSION_KEY = 'heartbeat.leftSession';

/** How often, and how far apart, a read is repeated until the server shows the change. */
const TRIES = 10;
const TRY_PAUSE_MS = 300;

export class OwnPresence {
  #element;
  #key;
  #url;
  #t;
  #onRecord;
  #fetch;
  #channel = null;
  // {state, reason, sequence, sessions: string[]} once known
  #record = null;
  // Only the answer to the latest read is taken: an older one may count tabs since gone.
  #reads = 0;
  // Sessions of this browser known to be closed, which the server may still list for a moment.
  #gone = new Set();
  #storage;

  /**
   * @param {HTMLElement} element where the text goes; data-state and data-sessions say it too
   * @param {object} options
   * @param {string} options.key this page's presence key, `client:<id>`
   * @param {string} options.url GET this for the key's record
   * @param {(key: string, params?: object) => string} options.t the page's translations
   * @param {(record: object) => void} [options.onRecord] every record read, for the list
   */
  constructor(element, {
    key, url, t, onRecord = () => {},
    fetch = (...args) => globalThis.fetch(...args),
    BroadcastChannel = globalThis.BroadcastChannel,
    storage = sessionStorageOrNull(),
  }) {
    this.#element = element;
    this.#key = key;
    this.#url = url;
    this.#t = t;
    this.#onRecord = onRecord;
    this.#fetch = fetch;
    this.#storage = storage;
    if (typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel(CHANNEL);
      this.#channel.addEventListener('message', ({ data }) => {
        if (data?.key === this.#key && typeof data.sessionId === 'string') {
          this.#heard(data.sessionId, data.present === true);
        }
      });
    }
    const left = this.#takeLeftSession();
    if (left !== null) {
      this.#heard(left, false);
    }
  }

  get key() { return this.#key; }

  /** The stream's page: the key's record if it is on it, else read on its own. */
  fromPage(page) {
    const record = page.keys.find((candidate) => candidate.key === this.#key);
    if (record !== undefined) {
      this.#take(record);
    } else {
      this.#read();
    }
  }

  /** A transition of any key: this key's moves its state at once, and its tabs are read again. */
  onTransition(transition) {
    if (transition.key !== this.#key || (this.#record !== null && transition.sequence <= this.#record.sequence)) {
      return;
    }
    const { state, reason, sequence } = transition;
    // Online with the session that opened; reconnecting and offline with none.
    this.#record = { state, reason, sequence, sessions: this.#record?.state === state ? this.#record.sessions : [] };
    this.#render();
    this.#read();
  }

  /**
   * A session of this tab opened (present) or closed: read the key until the server shows it,
   * and tell this browser's other tabs, whose count changed too.
   */
  sessionChanged(sessionId, present) {
    if (sessionId === null) {
      return;
    }
    this.#channel?.postMessage({ key: this.#key, sessionId, present });
    this.#heard(sessionId, present);
  }

  /** This page is being left (pagehide): the tabs that stay, and this tab's next page, must know. */
  leaving(sessionId) {
    if (sessionId === null) {
      return;
    }
    this.#channel?.postMessage({ key: this.#key, sessionId, present: false });
    try {
      this.#storage?.setItem(LEFT_SESSION_KEY, sessionId);
    } catch {
      // No storage: a reload may count the old tab until the next change of this key.
    }
  }

  #heard(sessionId, present) {
    if (present) {
      this.#gone.delete(sessionId);
    } else {
      this.#gone.add(sessionId);
    }
    this.#render();
    this.#readUntil(sessionId, present);
  }

  #takeLeftSession() {
    try {
      const left = this.#storage?.getItem(LEFT_SESSION_KEY) ?? null;
      this.#storage?.removeItem(LEFT_SESSION_KEY);
      return left;
    } catch {
      return null;
    }
  }

  async #readUntil(sessionId, present) {
    for (let i = 0; i < TRIES; i++) {
      // undefined: a newer read (another change's) answered first; this one reads again
      const record = await this.#read();
      if (record !== null && record !== undefined && record.sessions.some((session) => session.id === sessionId) === present) {
        return;
      }
      await new Promise((resolve) => { setTimeout(resolve, TRY_PAUSE_MS); });
    }
  }

  /** @returns the record, null when it could not be read, undefined when a newer read superseded this one */
  async #read() {
    this.#reads += 1;
    const read = this.#reads;
    let record;
    try {
      const response = await this.#fetch(`${this.#url}${encodeURIComponent(this.#key)}`, {
        headers: { Accept: 'application/json' },
      });
      record = response.ok ? await response.json() : null;
    } catch {
      record = null; // the server is away; the stream's next page or transition brings it back
    }
    if (read !== this.#reads) {
      return undefined;
    }
    if (record !== null) {
      this.#take(record);
    }
    return record;
  }

  #take(record) {
    // A read can cross a transition on the way: the stream's newer state stands.
    if (this.#record !== null && record.sequence < this.#record.sequence) {
      return;
    }
    const sessions = record.sessions.map((session) => session.id);
    // Once the server no longer lists a gone session, there is nothing left to discount.
    for (const id of this.#gone) {
      if (!sessions.includes(id)) {
        this.#gone.delete(id);
      }
    }
    this.#record = { state: record.state, reason: record.reason, sequence: record.sequence, sessions };
    // The list counts as this does.
    this.#onRecord({ ...record, sessions: record.sessions.filter((session) => !this.#gone.has(session.id)) });
    this.#render();
  }

  #render() {
    const t = this.#t;
    const record = this.#record;
    if (record === null) {
      return;
    }
    // A key that came online has at least the session that brought it.
    const open = record.sessions.filter((id) => !this.#gone.has(id)).length;
    const tabs = record.state === 'online' ? Math.max(1, open) : 0;
    let text;
    if (record.state === 'online') {
      text = t(tabs === 1 ? 'presence.own.online.one' : 'presence.own.online', { count: tabs });
    } else if (record.state === 'reconnecting') {
      text = t('presence.own.reconnecting', { reason: record.reason });
    } else {
      text = t('presence.own.offline');
    }
    this.#element.dataset.state = record.state;
    this.#element.dataset.sessions = String(tabs);
    this.#element.textContent = text;
  }
}

/** Merely reading window.sessionStorage throws where the browser denies storage. */
function sessionStorageOrNull() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}
