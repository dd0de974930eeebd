/**
 * Who is there, per presence key rather than per socket: one row per key with its state
 * (online, reconnecting within the grace, offline greyed), since when, and how many sessions it
 * has, above them the counts per state. The heartbeat page's presence panel.
 *
 * Data arrives as server-sent events (GET /api/presence/stream): first a `page` (the first 100
 * keys and the counts), then a `transition` for every change of any key. A transition carries a
 * sequence; one not above what this list holds for its key is old news (the page already had it)
 * and is skipped. A `gap` means the server dropped transitions: the list reads a new page.
 *
 * The list keeps the first page plus the keys that changed since; the counts per state are the
 * ones the last transition carried. The stream says nothing when a key gains or loses a second
 * session, nor when the server forgets an offline key, so a row's session count is the one its
 * last page or transition implied, and offline rows are forgotten here on the server's schedule
 * (heartbeat.presence.keep-offline), the offline count with them until the next transition.
 * Every cell is built with createElement and textContent.
 */

import { watchEventStream } from './event-stream.js';
import { formatTime } from './log-view.js';

/** Rows shown at most: the server's first page. */
export const MAX_ROWS = 100;

export const PresenceState = Object.freeze({
  ONLINE: 'online',
  RECONNECTING: 'reconnecting',
  OFFLINE: 'offline',
});

function cell(className, text = null) {
  const td = document.createElement('td');
  td.className = className;
  if (text !== null) {
    td.textContent = text;
  }
  return td;
}

export class PresenceList {
  #body;
  #summary;
  #t;
  #keepOffline;
  #now;
  #ownKey = null;
  // key -> {key, state, since, reason, sequence, sessions (a count)}
  #keys = new Map();
  #counts = { online: 0, reconnecting: 0, offline: 0 };
  // The sequence of the transition the counts came with: an older one's are older counts.
  #countsSequence = undefined;
  #loaded = false;

  /**
   * @param {HTMLTableSectionElement} body the <tbody> the rows go into
   * @param {object} options
   * @param {HTMLElement} [options.summary] where the counts per state go
   * @param {(key: string, params?: object) => string} options.t the page's translations
   * @param {number} options.keepOffline ms the server keeps an offline key listed
   * @param {() => number} [options.now] epoch ms, replaced in tests
   */
  constructor(body, { summary = null, t, keepOffline, now = Date.now }) {
    this.#body = body;
    this.#summary = summary;
    this.#t = t;
    this.#keepOffline = keepOffline;
    this.#now = now;
  }

  get counts() { return { ...this.#counts }; }

  /** The record this list holds for key, or undefined. */
  get(key) {
    const record = this.#keys.get(key);
    return record === undefined ? undefined : { ...record };
  }

  /** Marks this page's own key, shown first and tagged. */
  markOwn(key) {
    this.#ownKey = key;
    this.render();
  }

  /** A page from the stream: replaces everything held. */
  load(page) {
    this.#keys.clear();
    for (const record of page.keys) {
      this.#keys.set(record.key, { ...record, sessions: record.sessions.length });
    }
    this.#counts = { ...page.counts };
    this.#countsSequence = undefined;
    this.#loaded = true;
    this.render();
  }

  /**
   * A transition from the stream.
   * @returns {boolean} false when it was old news for this list and skipped
   */
  apply(transition) {
    const { key, state, reason, sequence, at, counts } = transition;
    const held = this.#keys.get(key);
    if (held !== undefined && sequence <= held.sequence) {
      return false;
    }
    // The book's counts just after this transition, keys beyond the first page included.
    if (counts !== undefined && (this.#countsSequence === undefined || sequence > this.#countsSequence)) {
      this.#counts = { ...counts };
      this.#countsSequence = sequence;
    }
    // A key comes online with the session that opened; it goes reconnecting or offline with none.
    this.#keys.set(key, { key, state, since: at, reason, sequence, sessions: state === PresenceState.ONLINE ? 1 : 0 });
    this.render();
    return true;
  }

  /** A record read on its own (GET /api/presence/{key}): taken unless the list knows newer. */
  update(record) {
    const held = this.#keys.get(record.key);
    if (held !== undefined && record.sequence < held.sequence) {
      return;
    }
    if (held === undefined && record.sequence === 0) {
      return; // "unknown": nothing to list
    }
    this.#keys.set(record.key, { ...record, sessions: record.sessions.length });
    this.render();
  }

  /** Forgets the offline keys the server has forgotten by now; renders when it forgot any. */
  forgetExpired() {
    const now = this.#now();
    let forgot = false;
    for (const [key, record] of this.#keys) {
      if (record.state === PresenceState.OFFLINE && Date.parse(record.since) + this.#keepOffline <= now) {
        this.#keys.delete(key);
        this.#counts.offline = Math.max(0, this.#counts.offline - 1);
        forgot = true;
      }
    }
    if (forgot) {
      this.render();
    }
  }

  render() {
    if (!this.#loaded) {
      return;
    }
    const t = this.#t;
    const own = this.#ownKey;
    // The page's own key first, then the server's key order.
    const records = [...this.#keys.values()].sort((a, b) => (b.key === own) - (a.key === own)
      || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const shown = records.slice(0, MAX_ROWS);
    const rows = shown.map((record) => this.#row(record));
    if (records.length > shown.length) {
      rows.push(this.#wideRow('more', t('presence.more', { count: records.length - shown.length })));
    }
    if (rows.length === 0) {
      rows.push(this.#wideRow('empty', t('presence.empty')));
    }
    this.#body.replaceChildren(...rows);
    if (this.#summary !== null) {
      this.#renderCounts();
    }
  }

  #renderCounts() {
    const parts = Object.values(PresenceState).map((state) => {
      const part = document.createElement('span');
      part.className = `presence-count presence-count-${state}`;
      part.dataset.state = state;
      part.textContent = this.#t(`presence.count.${state}`, { count: this.#counts[state] });
      return part;
    });
    this.#summary.replaceChildren(...parts);
  }

  #row({ key, state, since, reason, sessions }) {
    const t = this.#t;
    const row = document.createElement('tr');
    row.dataset.key = key;
    row.dataset.state = state;
    row.dataset.sessions = String(sessions);
    row.className = `presence-row presence-${state}`;
    const keyCell = cell('presence-key mono');
    const name = document.createElement('span');
    // client:<uuid> is long; its first 8 characters tell keys apart, the title has the whole.
    const cut = key.indexOf(':');
    name.textContent = cut > 0 && key.length > cut + 9 ? `${key.slice(0, cut + 9)}…` : key;
    name.title = key;
    keyCell.append(name);
    if (key === this.#ownKey) {
      row.classList.add('row-own');
      const you = document.createElement('span');
      you.className = 'you';
      you.textContent = t('presence.you');
      keyCell.append(' ', you);
    }
    const tag = document.createElement('span');
    tag.className = `state-tag presence-tag-${state}`;
    tag.textContent = t(`presence.state.${state}`);
    tag.title = reason ?? '';
    const stateCell = cell('presence-state');
    stateCell.append(tag);
    row.append(
      keyCell,
      stateCell,
      cell('presence-since mono', since ? formatTime(new Date(since)).slice(0, 8) : t('none')),
      cell('num', String(sessions)),
    );
    return row;
  }

  #wideRow(className, text) {
    const row = document.createElement('tr');
    const td = cell(className, text);
    td.colSpan = 4;
    row.append(td);
    return row;
  }
}

/**
 * Watches the presence stream (see watchEventStream): a `page`, then each `transition`. On a
 * `gap` it opens the stream again at once, whose first event is a fresh page.
 *
 * @param {string} url the stream's URL
 * @param {object} options
 * @param {(page: object) => void} options.onPage
 * @param {(transition: object) => void} options.onTransition
 * @param {(status: 'live'|'connecting'|'stopped') => void} options.onStatus
 * @returns {{close: () => void}}
 */
export function watchPresence(url, { onPage, onTransition, ...options }) {
  return watchEventStream(url, {
    ...options, on: { page: onPage, transition: onTransition }, liveOn: 'page', reopenOn: ['gap'],
  });
}
