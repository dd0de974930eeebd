import { Backoff } from './backoff.js';
import { DeadlineTimer, systemClock } from './deadline-timer.js';

/**
 * The heartbeat client: one WebSocket, a heartbeat that expects an ack, and reconnects with
 * backoff. It knows nothing of the page; it reports what happens as the events listed in Events,
 * and the page decides what to show. This file (with backoff.js and deadline-timer.js) is the part to copy; the demo's
 * controls live in demo-client.js, built on the extension points at the end of the class.
 *
 * Deadlines (epoch ms, null when no such timer runs): nextHeartbeatAt, ackDeadline, reconnectAt.
 */

/**
 * Every event a HeartbeatClient dispatches: a CustomEvent whose `detail` holds the facts beside
 * its name. A subclass that adds events lists its own beside itself (DemoEvents in demo-client.js).
 */
export const Events = Object.freeze([
  'statechange',        // {state, previous, attempt, reconnectAt}
  'connecting',         // {url, attempt}
  'open',               // {}
  'welcome',            // {sessionId, node, timings}; node: the cluster node, or null on a server of its own
  'heartbeat',          // {timestamp, interval, rtt, ackDeadline}
  'ack',                // {rtt, serverTime, nextHeartbeatAt}
  'intervalchange',     // {from, to, rtt, slowRtt, slow}
  'acktimeout',         // {timeout}
  'connecttimeout',     // {timeout}         the socket did not open in time: closed, and a reconnect scheduled
  'timerlate',          // {timer, lateBy}   a deadline passed while its timer had not fired (throttled tab)
  'close',              // {code, reason, wasClean, byClient}
  'reconnectscheduled', // {delay, attempt, cap, window}  window: true when the server gave the cap (1012 with a window)
  'noreconnect',        // {code}            closed for a policy violation: wait for connect()
  'disconnect',         // {code}            the user asked to disconnect
  'messagesent',        // {text}
  'echo',               // {text, serverTime}
  'servererror',        // {code, message}
  'socketerror',        // {message?}        message only when the WebSocket could not even be created
  'unreadable',         // {}                a frame that is not a JSON object of a type this client (or its handleFrame) knows
]);

export const State = Object.freeze({
  DISCONNECTED: 'disconnected',
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'reconnecting',
});

export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  TOO_BIG: 1009,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  HEARTBEAT_TIMEOUT: 4000,
  ACK_TIMEOUT: 4001,
  CONNECT_TIMEOUT: 4002,
});

const TIMING_KEYS = ['interval', 'ackTimeout', 'serverTimeout', 'slowRtt', 'slowInterval', 'maxInterval'];

/**
 * The window a draining server tells its clients to spread their reconnect over, in ms, or null:
 * a 1012 whose reason reads "service restart; reconnect within <ms> ms" (protocol.md).
 */
export function reconnectWindow(code, reason) {
  if (code !== CloseCode.SERVICE_RESTART) {
    return null;
  }
  const match = /reconnect within (\d+) ms/.exec(String(reason ?? ''));
  const window = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(window) && window > 0 ? window : null;
}

/** The WebSocket URL of this page's own server: ws: or wss: as the page, same host and port. */
export function socketUrl(location, path = '/ws') {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}

/** What the server accepts as `?client=` (protocol.md, "The handshake"); anything else gets 400. */
export const CLIENT_ID_FORMAT = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The URL with `?client=<id>`: the server files the sessions of one client id under one presence
 * key. The id is the client's own claim, shown and never trusted.
 * @throws {RangeError} for an id the server would refuse: a client that reconnected with it
 *   would be turned away with 400 at every attempt, forever
 */
export function withClientId(url, clientId) {
  if (typeof clientId !== 'string' || !CLIENT_ID_FORMAT.test(clientId)) {
    throw new RangeError(`client id must be 1 to 64 letters, digits, '-' or '_': ${clientId}`);
  }
  const withId = new URL(url);
  withId.searchParams.set('client', clientId);
  return withId.href;
}

export class HeartbeatClient extends EventTarget {
  #url;
  #timings;
  #backoff;
  #WebSocket;
  #now;
  #connectTimeout;
  #clientId;

  #state = State.DISCONNECTED;
  #socket = null;
  // Set by disconnect(), cleared by connect(); checked where a close is handled and again inside
  // the reconnect callback, so a reconnect queued before the click cannot run after it.
  #manualDisconnect = false;
  #sessionId = null;
  #interval;
  #lastRtt = null;
  #ackedOnThisSocket = false;
  #attempt = 0;
  // Heartbeats stopped by holdHeartbeats() on the current connection only: a new connection beats
  // again, so a client that was held and reaped does not stay silent forever.
  #heartbeatsHeld = false;

  // Each timer carries the wall-clock time it is due. A timer in a hidden tab can fire minutes
  // late; every event compares the clock with these deadlines (#checkDeadlines), so a late timer
  // is acted on at the next event rather than whenever the browser gets round to it.
  #heartbeatTimer;
  #ackTimer;
  #reconnectTimer;
  #connectTimer;
  #pendingTimestamp = null; // the heartbeat the ack timer waits for

  /**
   * @param {string} url the WebSocket URL, see socketUrl()
   * @param {object} options
   * @param {string|null} [options.clientId] sent as `?client=` (see withClientId), so the server
   *   counts this client's tabs and reconnects as one presence; null sends none, and each session
   *   is a presence of its own
   * @param {object} options.timings interval, ackTimeout, serverTimeout, slowRtt, slowInterval, maxInterval (ms)
   * @param {object} options.reconnect initialDelay, maxDelay (ms), multiplier
   * @param {number} [options.connectTimeout] ms a new socket may take to open. A handshake lost on
   *   the way (a SYN a firewall drops) can otherwise leave it connecting for minutes, with no
   *   reconnect ever scheduled.
   * @param {Function} [options.WebSocket] [options.setTimeout] [options.clearTimeout] [options.now] [options.random]
   *   replaced in tests
   */
  constructor(url, {
    timings,
    reconnect,
    connectTimeout = 10_000,
    clientId = null,
    WebSocket = globalThis.WebSocket,
    setTimeout = systemClock.setTimeout,
    clearTimeout = systemClock.clearTimeout,
    now = systemClock.now,
    random = Math.random,
  }) {
    super();
    this.#url = clientId === null ? url : withClientId(url, clientId);
    this.#clientId = clientId;
    this.#timings = { ...timings };
    this.#interval = this.#timings.interval;
    this.#backoff = new Backoff({ ...reconnect, random });
    this.#WebSocket = WebSocket;
    this.#now = now;
    this.#connectTimeout = connectTimeout;
    const clock = { setTimeout, clearTimeout, now };
    this.#heartbeatTimer = new DeadlineTimer(() => this.#sendHeartbeat(), clock);
    this.#ackTimer = new DeadlineTimer(() => this.#onAckTimeout(), clock);
    this.#reconnectTimer = new DeadlineTimer(() => this.#reconnectNow(), clock);
    this.#connectTimer = new DeadlineTimer(() => this.#onConnectTimeout(), clock);
  }

  get state() { return this.#state; }
  get url() { return this.#url; }
  get clientId() { return this.#clientId; }
  get sessionId() { return this.#sessionId; }
  get interval() { return this.#interval; }
  get lastRtt() { return this.#lastRtt; }
  get attempt() { return this.#attempt; }
  get reconnectAt() { return this.#reconnectTimer.deadline; }
  get timings() { return { ...this.#timings }; }
  get nextHeartbeatAt() { return this.#heartbeatTimer.deadline; }
  get ackDeadline() { return this.#ackTimer.deadline; }

  /**
   * How long the server lets this session stay silent now: its server timeout, or 1.5 times the
   * declared interval capped at maxInterval where that is longer (the server's rule).
   */
  get serverDeadline() {
    const { serverTimeout, maxInterval } = this.#timings;
    return Math.max(serverTimeout, Math.floor(Math.min(this.#interval, maxInterval) * 1.5));
  }

  /** Open a connection now; from reconnecting this skips the rest of the backoff delay. */
  connect() {
    if (this.#state === State.CONNECTING || this.#state === State.OPEN) {
      return;
    }
    this.#manualDisconnect = false;
    this.#clearTimers();
    this.#open();
  }

  /** Close with 1000, stop every timer, and stay disconnected until connect(). */
  disconnect() {
    if (this.#state === State.DISCONNECTED) {
      return;
    }
    this.#manualDisconnect = true;
    this.#clearTimers();
    this.#retireSocket()?.close(CloseCode.NORMAL, 'disconnect');
    this.#emit('disconnect', { code: CloseCode.NORMAL });
    this.#setState(State.DISCONNECTED);
  }

  /** Send an ordinary message; the server echoes it. Returns false when not open. */
  send(text) {
    if (this.#state !== State.OPEN) {
      return false;
    }
    this.#write({ type: 'message', text });
    this.#emit('messagesent', { text });
    return true;
  }

  /** The browser is online again: skip the backoff, or check an open connection at once. */
  networkOnline() {
    if (this.#state === State.RECONNECTING) {
      this.#clearTimers();
      this.#open();
    } else if (this.#state === State.OPEN) {
      this.#beatNow();
    }
  }

  /** The page is visible again: act on deadlines that passed while hidden, and beat at once. */
  pageVisible() {
    if (this.#state === State.OPEN) {
      this.#beatNow();
    } else {
      this.#checkDeadlines();
    }
  }

  #beatNow() {
    if (this.#checkDeadlines() || this.#state !== State.OPEN) {
      return;
    }
    // An outstanding heartbeat already tests the connection; its ack timer is running.
    if (this.#pendingTimestamp === null) {
      this.#sendHeartbeat();
    }
  }

  #open() {
    this.#sessionId = null;
    this.#ackedOnThisSocket = false;
    this.#heartbeatsHeld = false; // a hold is for the connection it was placed on
    this.#lastRtt = null; // a round trip belongs to its connection; the new one reports its own
    this.#interval = this.#timings.interval;
    this.#emit('connecting', { url: this.#url, attempt: this.#attempt });
    let socket;
    try {
      socket = new this.#WebSocket(this.#url);
    } catch (error) {
      this.#emit('socketerror', { message: String(error) });
      this.#scheduleReconnect();
      return;
    }
    socket.onopen = () => this.#onOpen(socket);
    socket.onmessage = (event) => this.#onMessage(socket, event);
    socket.onclose = (event) => this.#onClose(socket, event);
    socket.onerror = () => this.#onError(socket);
    this.#socket = socket;
    this.#connectTimer.start(this.#connectTimeout);
    this.#setState(State.CONNECTING);
  }

  #onOpen(socket) {
    if (socket !== this.#socket) {
      return;
    }
    this.#connectTimer.cancel();
    this.#setState(State.OPEN);
    this.#emit('open', {});
    this.connectionOpened();
    this.#sendHeartbeat();
  }

  #onMessage(socket, event) {
    if (socket !== this.#socket || this.#checkDeadlines()) {
      return;
    }
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      message = null;
    }
    if (message === null || typeof message !== 'object') {
      this.#emit('unreadable', {});
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.#onWelcome(message);
        break;
      case 'heartbeat_ack':
        this.#onAck(message);
        break;
      case 'echo':
        this.#emit('echo', { text: String(message.text), serverTime: message.serverTime });
        break;
      case 'error':
        this.#emit('servererror', { code: String(message.code), message: String(message.message) });
        break;
      default:
        if (!this.handleFrame(message)) {
          this.#emit('unreadable', {});
        }
    }
  }

  #onWelcome(message) {
    const wasSlow = this.#interval !== this.#timings.interval;
    for (const key of TIMING_KEYS) {
      if (Number.isFinite(message[key]) && message[key] > 0) {
        this.#timings[key] = message[key];
      }
    }
    this.#interval = wasSlow ? this.#timings.slowInterval : this.#timings.interval;
    this.#sessionId = typeof message.sessionId === 'string' ? message.sessionId : null;
    const node = typeof message.node === 'string' ? message.node : null;
    this.#emit('welcome', { sessionId: this.#sessionId, node, timings: this.timings });
  }

  #sendHeartbeat() {
    this.#heartbeatTimer.cancel();
    if (this.#state !== State.OPEN || this.#pendingTimestamp !== null || this.#heartbeatsHeld) {
      return;
    }
    const timestamp = this.#now();
    const heartbeat = { type: 'heartbeat', timestamp, interval: this.#interval };
    if (this.#lastRtt !== null) {
      heartbeat.rtt = this.#lastRtt;
    }
    this.#write(heartbeat);
    this.#pendingTimestamp = timestamp;
    this.#ackTimer.start(this.#timings.ackTimeout, timestamp);
    this.#emit('heartbeat', {
      timestamp, interval: this.#interval, rtt: heartbeat.rtt ?? null, ackDeadline: this.#ackTimer.deadline,
    });
  }

  #onAck(message) {
    if (this.#pendingTimestamp === null || message.timestamp !== this.#pendingTimestamp) {
      return; // an ack for a heartbeat we gave up on
    }
    const sentAt = this.#pendingTimestamp;
    this.#ackTimer.cancel();
    this.#pendingTimestamp = null;
    const now = this.#now();
    const rtt = Math.max(0, now - sentAt);
    this.#lastRtt = rtt;
    if (!this.#ackedOnThisSocket) {
      // Only an ack proves the new connection works; an open that is closed at once must not
      // start the next outage back at the shortest delay.
      this.#ackedOnThisSocket = true;
      this.#backoff.reset();
      this.#attempt = 0;
    }
    const from = this.#interval;
    const { slowRtt, slowInterval, interval } = this.#timings;
    const slow = rtt > slowRtt;
    this.#interval = slow ? slowInterval : interval; // declared to the server in the next heartbeat
    if (!this.#heartbeatsHeld) {
      // Scheduled from here, a network callback, not by setInterval: Chrome's intensive throttling
      // of hidden tabs applies to chains of timers, and this chain is restarted by every ack.
      // A longer interval starts only once declared: the heartbeat after the change still comes
      // at the old interval, carrying the new one. Waiting the new interval at once would leave
      // the server holding the old deadline (1.5x 10 s is below the 40 s server timeout, 60 s
      // is not), and it would reap this client in the very switch meant to keep it.
      this.#heartbeatTimer.start(Math.max(0, sentAt + Math.min(from, this.#interval) - now), now);
    }
    this.#emit('ack', { rtt, serverTime: message.serverTime, nextHeartbeatAt: this.nextHeartbeatAt });
    if (this.#interval !== from) {
      this.#emit('intervalchange', { from, to: this.#interval, rtt, slowRtt, slow });
    }
  }

  #onAckTimeout() {
    this.#emit('acktimeout', { timeout: this.#timings.ackTimeout });
    this.#clearTimers();
    this.#retireSocket()?.close(CloseCode.ACK_TIMEOUT, 'ack timeout');
    this.#emit('close', { code: CloseCode.ACK_TIMEOUT, reason: 'ack timeout', wasClean: false, byClient: true });
    this.#scheduleReconnect();
  }

  #onConnectTimeout() {
    this.#emit('connecttimeout', { timeout: this.#connectTimeout });
    this.#clearTimers();
    this.#retireSocket()?.close(CloseCode.CONNECT_TIMEOUT, 'connect timeout');
    this.#emit('close', { code: CloseCode.CONNECT_TIMEOUT, reason: 'connect timeout', wasClean: false, byClient: true });
    this.#scheduleReconnect();
  }

  #onClose(socket, event) {
    if (socket !== this.#socket) {
      return;
    }
    this.#clearTimers();
    this.#retireSocket();
    this.#emit('close', { code: event.code, reason: event.reason, wasClean: event.wasClean, byClient: false });
    if (event.code === CloseCode.POLICY_VIOLATION) {
      // The server says this client misbehaved; coming straight back would only repeat it.
      this.#emit('noreconnect', { code: event.code });
      this.#setState(State.DISCONNECTED);
      return;
    }
    // A server that drains says how long to spread the reconnect over: a delay drawn from the
    // whole window, never at once, so its clients reach the other nodes at the pace it closed them.
    this.#scheduleReconnect(reconnectWindow(event.code, event.reason));
  }

  #onError(socket) {
    if (socket === this.#socket) {
      this.#emit('socketerror', {}); // the close event that follows carries the code
    }
  }

  /** @param {number|null} [window] the server's reconnect window (ms), replacing the backoff's cap once */
  #scheduleReconnect(window = null) {
    if (this.#manualDisconnect) {
      this.#setState(State.DISCONNECTED);
      return;
    }
    if (this.#reconnectTimer.pending) {
      return; // never a second pending reconnect
    }
    const cap = window ?? this.#backoff.nextCap;
    const delay = this.#backoff.duration(cap);
    this.#attempt = this.#backoff.attempts;
    this.#reconnectTimer.start(delay);
    this.#emit('reconnectscheduled', { delay, attempt: this.#attempt, cap, window: window !== null });
    this.#setState(State.RECONNECTING);
  }

  #reconnectNow() {
    this.#reconnectTimer.cancel();
    if (this.#manualDisconnect || this.#state !== State.RECONNECTING) {
      return;
    }
    this.#open();
  }

  /**
   * Acts on every deadline that has passed although its timer has not fired. Returns true when
   * that gave up the current connection, so the caller stops handling the event.
   */
  #checkDeadlines() {
    const now = this.#now();
    const late = (timer, name) => {
      if (!timer.isOverdue(now)) {
        return false;
      }
      this.#emit('timerlate', { timer: name, lateBy: now - timer.deadline });
      return true;
    };
    if (late(this.#connectTimer, 'connect')) {
      this.#onConnectTimeout();
      return true;
    }
    if (late(this.#ackTimer, 'ack')) {
      this.#onAckTimeout();
      return true;
    }
    if (late(this.#heartbeatTimer, 'heartbeat')) {
      this.#sendHeartbeat(); // the connection goes on: the caller handles its event as usual
    }
    if (late(this.#reconnectTimer, 'reconnect')) {
      this.#reconnectNow();
      return true;
    }
    return false;
  }

  /** Detaches the current socket's handlers, so nothing it does later reaches this client. */
  #retireSocket() {
    const socket = this.#socket;
    if (socket !== null) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      this.#socket = null;
    }
    return socket;
  }

  /** Called on every way out of connecting, open and reconnecting: no timer outlives its purpose. */
  #clearTimers() {
    this.#heartbeatTimer.cancel();
    this.#ackTimer.cancel();
    this.#pendingTimestamp = null;
    this.#reconnectTimer.cancel();
    this.#connectTimer.cancel();
  }

  #write(frame) {
    this.#socket.send(JSON.stringify(frame));
  }

  #setState(next) {
    const previous = this.#state;
    if (next === previous) {
      return;
    }
    this.#state = next;
    this.#emit('statechange', {
      state: next,
      previous,
      attempt: this.#attempt,
      reconnectAt: this.reconnectAt,
    });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // --- Extension points ------------------------------------------------------------------------
  // Not needed to use the client. #private members are out of a subclass's reach, so these are
  // the whole of what one may add to the heartbeat (demo-client.js is the example). Plain methods,
  // marked @protected: meant for subclasses, not for the page.

  /**
   * Sends a frame of the protocol that this class does not speak itself (its own are heartbeat
   * and message).
   * @protected
   * @param {object} frame sent as JSON
   * @returns {boolean} false, and nothing sent, when not open
   */
  sendFrame(frame) {
    if (this.#state !== State.OPEN) {
      return false;
    }
    this.#write(frame);
    return true;
  }

  /**
   * Stops heartbeats on the current connection; the socket stays open and an ack already on its
   * way is still taken. The hold ends with the connection: the next one beats as usual.
   * @protected
   * @returns {boolean} false when not open or already held
   */
  holdHeartbeats() {
    if (this.#state !== State.OPEN || this.#heartbeatsHeld) {
      return false;
    }
    this.#heartbeatsHeld = true;
    this.#heartbeatTimer.cancel();
    return true;
  }

  /**
   * Ends holdHeartbeats() and beats at once, unless a heartbeat is still waiting for its ack.
   * @protected
   * @returns {boolean} false when not open or not held
   */
  releaseHeartbeats() {
    if (this.#state !== State.OPEN || !this.#heartbeatsHeld) {
      return false;
    }
    this.#heartbeatsHeld = false;
    this.#beatNow();
    return true;
  }

  /**
   * Called with a frame from the current connection whose type this class does not know.
   * @protected
   * @param {object} message the parsed frame
   * @returns {boolean} true when understood; otherwise the frame is reported as unreadable
   */
  handleFrame(message) {
    return false;
  }

  /**
   * Called when a new connection is open: after the open event, before its first heartbeat.
   * Heartbeats held on an earlier connection are no longer held by then.
   * @protected
   */
  connectionOpened() {}
}
