/**
 * The server's view of its sessions, as the registry sees them: one row per open session with
 * its silence as a bar filling toward its deadline, and the recently closed ones greyed with
 * their close code. Shared by the heartbeat page's panel and the /sessions page.
 *
 * In cluster mode the view carries `cluster` (its nodes, and whether Redis can be reached) and each
 * session its `node`: the table gains a node column and a line per node. Another node's sessions
 * have no silence, pong or round trip here (their node alone judges them), and show as open.
 *
 * Data arrives as server-sent events (GET /api/sessions/stream, event "sessions"): one snapshot
 * every refresh period for every watcher, no polling per session. Every cell is built with
 * createElement and textContent; the bar's width is set through the CSSOM, which a
 * Content-Security-Policy without 'unsafe-inline' still allows.
 */

import { watchEventStream } from './event-stream.js';

/** Open rows shown at most; a restart storm opens hundreds of sessions. */
export const MAX_OPEN_ROWS = 100;

/** Silence above this share of the deadline shows the session as going silent. */
const SILENT_SHARE = 0.5;

function cell(className, text = null) {
  const td = document.createElement('td');
  td.className = className;
  if (text !== null) {
    td.textContent = text;
  }
  return td;
}

/**
 * An address as people write it: IPv6 with its longest run of zero groups shortened and in
 * brackets before the port ({@code 0:0:0:0:0:0:0:1:5000} is {@code [::1]:5000}), IPv4 unchanged.
 */
export function formatAddress(address) {
  if (typeof address !== 'string' || address.split(':').length <= 2) {
    return address;
  }
  const cut = address.lastIndexOf(':');
  const groups = address.slice(0, cut).replace(/^\[|\]$/g, '').split(':');
  let best = { start: -1, length: 1 };
  for (let i = 0; i < groups.length;) {
    let j = i;
    while (j < groups.length && /^0+$/.test(groups[j])) {
      j += 1;
    }
    if (j - i > best.length) {
      best = { start: i, length: j - i };
    }
    i = Math.max(j, i + 1);
  }
  const host = best.start < 0 ? groups.join(':')
    : `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
  return `[${host}]${address.slice(cut)}`;
}

/** Seconds with up to two decimals: 3750 is 3.75 s. */
function seconds(t, ms) {
  return t('unit.s', { value: Number((ms / 1000).toFixed(2)) });
}

/**
 * @param {object} session a SessionSnapshot
 * @returns {'healthy'|'silent'} how the server sees an open session
 */
export function liveness(session) {
  return session.silentForMillis >= session.deadlineMillis * SILENT_SHARE ? 'silent' : 'healthy';
}

/** Whether a session is held by another node of the cluster: its node alone knows its silence. */
function isElsewhere(session) {
  return session.silentForMillis === null || session.silentForMillis === undefined;
}

export class SessionsTable {
  #body;
  #summary;
  #nodes;
  #t;
  #duration;
  #ownSessionIds = new Set();
  #lastView = null;

  /**
   * @param {HTMLTableSectionElement} body the <tbody> the rows go into
   * @param {object} options
   * @param {HTMLElement} [options.summary] where the counts go
   * @param {HTMLElement} [options.nodes] where the line per node goes, in cluster mode
   * @param {(key: string, params?: object) => string} options.t the page's translations
   * @param {(ms: number) => string} options.duration formats milliseconds for reading
   */
  constructor(body, { summary = null, nodes = null, t, duration }) {
    this.#body = body;
    this.#summary = summary;
    this.#nodes = nodes;
    this.#t = t;
    this.#duration = duration;
  }

  /** Highlights this session as the page's own, and keeps doing so once it closed. */
  markOwn(id) {
    this.#ownSessionIds.add(id);
    if (this.#lastView !== null) {
      this.render(this.#lastView);
    }
  }

  #isOwn(id) {
    return this.#ownSessionIds.has(id);
  }

  /**
   * @param {{at: string, open: object[], openTotal?: number, missing?: string[], recentlyClosed: object[],
   *   cluster?: object}} view one page of the open sessions (`open`), and how many are open in all
   */
  render(view) {
    this.#lastView = view;
    const t = this.#t;
    const at = Date.parse(view.at);
    const clustered = view.cluster !== undefined && view.cluster !== null;
    const columns = clustered ? 9 : 8;
    const open = [...view.open];
    // The page's own session first, so it is never cut off below a storm's hundreds.
    open.sort((a, b) => this.#isOwn(b.id) - this.#isOwn(a.id));
    const shown = open.slice(0, MAX_OPEN_ROWS);
    const rows = shown.map((session) => this.#openRow(session, clustered));
    // The server sends a page; the total counts every node's sessions.
    const total = Math.max(view.openTotal ?? open.length, shown.length);
    if (total > shown.length) {
      const more = document.createElement('tr');
      more.className = 'row-more';
      const td = cell('more', t('sessions.more', { count: total - shown.length }));
      td.colSpan = columns;
      more.append(td);
      rows.push(more);
    }
    // The page's own closed sessions first too: what just happened to it is what the reader looks for.
    const closedOwnFirst = [...view.recentlyClosed].sort((a, b) => this.#isOwn(b.session.id) - this.#isOwn(a.session.id));
    for (const closed of closedOwnFirst) {
      rows.push(this.#closedRow(closed, at, clustered));
    }
    if (rows.length === 0) {
      const empty = document.createElement('tr');
      const td = cell('empty', t('sessions.empty'));
      td.colSpan = columns;
      empty.append(td);
      rows.push(empty);
    }
    this.#body.replaceChildren(...rows);
    if (clustered) {
      this.#renderNodes(view.cluster, at, view.missing ?? []);
    }
    if (this.#summary !== null) {
      this.#summary.textContent = t('sessions.summary', {
        open: total,
        closed: view.recentlyClosed.length,
      });
    }
  }

  #openRow(session, clustered) {
    const state = isElsewhere(session) ? 'elsewhere' : liveness(session);
    const row = this.#row(session, 'open', clustered);
    row.dataset.liveness = state;
    row.append(this.#stateCell(this.#t(`sessions.state.${state}`), state));
    return row;
  }

  #closedRow({ session, closeCode, closeReason, closedAt }, at, clustered) {
    const row = this.#row(session, 'closed', clustered);
    row.dataset.closeCode = String(closeCode);
    const ago = Math.max(0, at - Date.parse(closedAt));
    const text = this.#t(closeReason ? 'sessions.state.closedReason' : 'sessions.state.closed', {
      code: closeCode, reason: closeReason, ago: this.#duration(Math.round(ago / 1000) * 1000),
    });
    row.append(this.#stateCell(text, 'closed'));
    return row;
  }

  #row(session, state, clustered) {
    const t = this.#t;
    const none = t('none');
    const row = document.createElement('tr');
    row.dataset.session = session.id;
    row.dataset.state = state;
    row.className = `row-${state}`;
    const own = this.#isOwn(session.id);
    if (own) {
      row.classList.add('row-own');
    }

    const id = cell('session-id mono');
    const code = document.createElement('span');
    code.textContent = session.id.slice(0, 8);
    code.title = session.id;
    id.append(code);
    if (own) {
      const you = document.createElement('span');
      you.className = 'you';
      you.textContent = t('sessions.you');
      id.append(' ', you);
    }

    const ms = (value) => (value === null || value === undefined ? none : t('unit.ms', { value }));
    row.append(id);
    if (clustered) {
      const node = cell('node mono', session.node ?? none);
      row.dataset.node = session.node ?? '';
      row.append(node);
    }
    row.append(
      cell('mono', session.remoteAddress ? formatAddress(session.remoteAddress) : none),
      cell('num', this.#duration(Math.round(session.ageMillis / 100) * 100)),
      this.#silenceCell(session),
      cell('num', session.lastPongAgoMillis === null ? none : t('sessions.ago', { time: this.#duration(Math.round(session.lastPongAgoMillis / 100) * 100) })),
      cell('num', ms(session.rttMillis)),
      cell('num', session.declaredIntervalMillis === null ? none : this.#duration(session.declaredIntervalMillis)),
    );
    return row;
  }

  #silenceCell({ silentForMillis, deadlineMillis }) {
    if (silentForMillis === null || silentForMillis === undefined) {
      return cell('silence', this.#t('none'));
    }
    const share = deadlineMillis > 0 ? Math.min(1, silentForMillis / deadlineMillis) : 0;
    const td = cell('silence');
    const wrap = document.createElement('span');
    wrap.className = 'silence-wrap';
    const bar = document.createElement('span');
    bar.className = 'silence-bar';
    bar.setAttribute('role', 'meter');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', String(deadlineMillis));
    bar.setAttribute('aria-valuenow', String(Math.min(silentForMillis, deadlineMillis)));
    const fill = document.createElement('span');
    fill.className = `silence-fill ${share >= 0.8 ? 'level-danger' : share >= SILENT_SHARE ? 'level-warn' : 'level-ok'}`;
    fill.style.width = `${(share * 100).toFixed(1)}%`;
    bar.append(fill);
    const text = document.createElement('span');
    text.className = 'silence-text mono';
    text.textContent = this.#t('sessions.silence', {
      silent: (silentForMillis / 1000).toFixed(1),
      deadline: seconds(this.#t, deadlineMillis),
    });
    wrap.append(bar, text);
    td.append(wrap);
    return td;
  }

  /** One line per node: its id, its sessions, how long its lease still runs; or why some are not shown. */
  #renderNodes(cluster, at, missing) {
    if (this.#nodes === null) {
      return;
    }
    const t = this.#t;
    const parts = [];
    if (!cluster.redisReachable) {
      const warning = document.createElement('span');
      warning.className = 'cluster-unavailable';
      warning.textContent = t('sessions.nodeUnavailable', { node: cluster.node });
      parts.push(warning);
    }
    if (missing.length > 0) {
      const warning = document.createElement('span');
      warning.className = 'cluster-unavailable';
      warning.textContent = t('sessions.nodesMissing', { nodes: missing.join(', ') });
      parts.push(warning);
    }
    for (const node of cluster.nodes) {
      const line = document.createElement('span');
      line.className = 'cluster-node mono';
      line.dataset.node = node.id;
      const lease = node.leaseExpiresAt ? seconds(t, Math.max(0, Date.parse(node.leaseExpiresAt) - at)) : t('none');
      line.textContent = t('sessions.node', { node: node.id, sessions: node.sessions, lease });
      parts.push(line);
    }
    this.#nodes.replaceChildren(...parts);
  }

  #stateCell(text, state) {
    const td = cell('state');
    const tag = document.createElement('span');
    tag.className = `state-tag state-${state}`;
    tag.textContent = text;
    td.append(tag);
    return td;
  }
}

/**
 * Watches the sessions stream (see watchEventStream): each `sessions` event is a view.
 *
 * @param {string} url the stream's URL
 * @param {object} options
 * @param {(view: object) => void} options.onView
 * @param {(status: 'live'|'connecting'|'stopped') => void} options.onStatus
 * @returns {{close: () => void}} close() ends the watch and its retry timer
 */
export function watchSessions(url, { onView, ...options }) {
  return watchEventStream(url, { ...options, on: { sessions: onView }, liveOn: 'sessions' });
}
