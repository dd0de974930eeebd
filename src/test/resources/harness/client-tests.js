/*
 * Unit tests of the page's real ES modules, run in headless Chromium by ClientHarnessTests.
 * Time is a FakeClock and the WebSocket is a FakeWebSocket: nothing waits, nothing touches the
 * network. Results go to window.harnessResults, one entry per test.
 */
import { Backoff } from '/js/backoff.js';
import { CloseCode, HeartbeatClient, State, socketUrl } from '/js/heartbeat-client.js';
import { formatTime, LogView } from '/js/log-view.js';

// --- A tiny runner ------------------------------------------------------------------------------

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function assertEqual(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${message}: expected ${e} but was ${a}`);
  }
}

// --- Fakes ------------------------------------------------------------------------------------

/** setTimeout/clearTimeout/now on a clock that moves only when told to. */
class FakeClock {
  now = 1_000_000;
  #nextId = 1;
  #timers = new Map();

  setTimeout = (callback, delay) => {
    const id = this.#nextId++;
    this.#timers.set(id, { callback, at: this.now + Math.max(0, delay) });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  get pending() {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      let due = null;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= end && (due === null || timer.at < due.timer.at)) {
          due = { id, timer };
        }
      }
      if (due === null) {
        break;
      }
      this.#timers.delete(due.id);
      this.now = due.timer.at;
      due.timer.callback();
    }
    this.now = end;
  }

  /** Moves the wall clock without firing anything: a throttled or frozen tab. */
  jump(ms) {
    this.now += ms;
  }
}

function fakeSockets() {
  const instances = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closedWith = null;
      this.readyState = 0;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      instances.push(this);
    }

    send(data) {
      this.sent.push(JSON.parse(data));
    }

    close(code, reason) {
      this.closedWith = { code, reason };
      this.readyState = 2;
    }

    // What the server and the network do:
    serverOpen() {
      this.readyState = 1;
      this.onopen?.({});
    }

    serverSend(message) {
      this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
    }

    serverClose(code, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason, wasClean: code !== CloseCode.ABNORMAL });
    }

    heartbeats() {
      return this.sent.filter((m) => m.type === 'heartbeat');
    }

    /** Answers the last heartbeat after rtt ms. */
    ack(clock, rtt = 10) {
      const heartbeat = this.heartbeats().at(-1);
      clock.advance(rtt);
      this.serverSend({ type: 'heartbeat_ack', timestamp: heartbeat.timestamp, serverTime: clock.now });
    }
  }
  return {
    WebSocket: FakeWebSocket,
    get all() { return instances; },
    get last() { return instances.at(-1); },
  };
}

const EVENTS = ['statechange', 'connecting', 'open', 'welcome', 'heartbeat', 'ack', 'intervalchange', 'acktimeout',
  'timerlate', 'close', 'reconnectscheduled', 'noreconnect', 'disconnect', 'messagesent', 'echo', 'servererror',
  'socketerror', 'unreadable'];

const TIMINGS = { interval: 1000, ackTimeout: 300, serverTimeout: 4000, slowRtt: 200, slowInterval: 3000, maxInterval: 3000 };
const RECONNECT = { initialDelay: 100, maxDelay: 1000, multiplier: 2 };

function setup({ random = () => 0.5 } = {}) {
  const clock = new FakeClock();
  const sockets = fakeSockets();
  const client = new HeartbeatClient('ws://example.test/ws', {
    timings: TIMINGS,
    reconnect: RECONNECT,
    WebSocket: sockets.WebSocket,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: () => clock.now,
    random,
  });
  const events = [];
  for (const type of EVENTS) {
    client.addEventListener(type, (event) => events.push({ type, ...event.detail }));
  }
  const of = (type) => events.filter((event) => event.type === type);
  return { clock, sockets, client, events, of };
}

/** Connects, opens, and acks the first heartbeat. */
function connected(options) {
  const f = setup(options);
  f.client.connect();
  f.sockets.last.serverOpen();
  f.sockets.last.ack(f.clock);
  return f;
}

// --- Backoff ------------------------------------------------------------------------------------

test('backoff caps grow by the multiplier up to the max delay', () => {
  const backoff = new Backoff({ initialDelay: 100, maxDelay: 1000, multiplier: 2, random: () => 0.999999 });
  const delays = Array.from({ length: 6 }, () => backoff.duration());
  assertEqual(delays, [99, 199, 399, 799, 999, 999], 'delays just under each cap');
  assertEqual(backoff.attempts, 6, 'attempts');
});

test('backoff uses full jitter: anywhere from 0 up to the cap', () => {
  const values = [0, 0.25, 0.5];
  const backoff = new Backoff({ initialDelay: 400, maxDelay: 1000, multiplier: 2, random: () => values.shift() });
  assertEqual([backoff.duration(), backoff.duration(), backoff.duration()], [0, 200, 500], 'random x cap');
});

test('backoff reset starts again from the initial delay', () => {
  const backoff = new Backoff({ initialDelay: 100, maxDelay: 1000, multiplier: 2, random: () => 0.5 });
  backoff.duration();
  backoff.duration();
  backoff.reset();
  assertEqual(backoff.attempts, 0, 'attempts after reset');
  assertEqual(backoff.duration(), 50, 'first delay after reset');
});

// --- Connecting and the heartbeat ---------------------------------------------------------------

test('the socket URL follows the page: ws for http, wss for https, same host and port', () => {
  assertEqual(socketUrl({ protocol: 'http:', host: 'example.test:8080' }), 'ws://example.test:8080/ws', 'http');
  assertEqual(socketUrl({ protocol: 'https:', host: 'example.test' }), 'wss://example.test/ws', 'https');
});

test('the first heartbeat goes out right on open, declaring the interval', () => {
  const { client, sockets, clock } = setup();
  client.connect();
  assertEqual(client.state, State.CONNECTING, 'state before open');
  assertEqual(sockets.last.sent, [], 'nothing sent before open');
  sockets.last.serverOpen();
  assertEqual(client.state, State.OPEN, 'state after open');
  assertEqual(sockets.last.sent, [{ type: 'heartbeat', timestamp: clock.now, interval: 1000 }], 'first heartbeat');
});

test('the next heartbeat is scheduled from the ack, one interval after the previous one was sent', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  sockets.last.serverOpen();
  const firstSentAt = sockets.last.heartbeats()[0].timestamp;
  sockets.last.ack(clock, 40);
  assertEqual(of('ack').map((e) => e.rtt), [40], 'rtt from the echoed timestamp');
  clock.advance(1000 - 40 - 1);
  assertEqual(sockets.last.heartbeats().length, 1, 'not yet');
  clock.advance(1);
  const second = sockets.last.heartbeats()[1];
  assertEqual(second.timestamp - firstSentAt, 1000, 'one interval after the first');
  assertEqual(second.rtt, 40, 'the last rtt travels with the next heartbeat');
});

test('no heartbeat is sent while an ack is outstanding, and none without one', () => {
  const { client, sockets, clock } = setup();
  client.connect();
  sockets.last.serverOpen();
  clock.advance(299);
  assertEqual(sockets.last.heartbeats().length, 1, 'still waiting for the ack');
  client.pageVisible();
  assertEqual(sockets.last.heartbeats().length, 1, 'visible does not stack a second heartbeat');
});

test('an ack timeout closes the socket with 4001 and schedules one reconnect', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  const socket = sockets.last;
  socket.serverOpen();
  clock.advance(300);
  assertEqual(of('acktimeout').length, 1, 'ack timeout reported');
  assertEqual(socket.closedWith, { code: 4001, reason: 'ack timeout' }, 'closed with 4001');
  assertEqual(of('close').map((e) => e.code), [4001], 'close reported');
  assertEqual(client.state, State.RECONNECTING, 'state');
  assertEqual(clock.pending, 1, 'only the reconnect timer is left');
  assertEqual(of('reconnectscheduled').map((e) => e.attempt), [1], 'attempt 1');
});

test('an ack that comes too late is not taken for a live connection', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  const socket = sockets.last;
  socket.serverOpen();
  const heartbeat = socket.heartbeats()[0];
  clock.advance(300);
  socket.serverSend({ type: 'heartbeat_ack', timestamp: heartbeat.timestamp, serverTime: clock.now });
  assertEqual(of('ack').length, 0, 'the old socket cannot deliver the ack');
});

// --- Never a second reconnect, and none after Disconnect -----------------------------------------

test('no second reconnect timer: the old socket closing after an ack timeout changes nothing', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  const socket = sockets.last;
  socket.serverOpen();
  const onclose = socket.onclose;
  clock.advance(300);
  assertEqual(socket.onclose, null, 'handlers detached');
  onclose({ code: 1006, reason: '', wasClean: false }); // a handler captured before the detach
  socket.serverClose(1006);
  assertEqual(of('reconnectscheduled').length, 1, 'one reconnect scheduled');
  assertEqual(clock.pending, 1, 'one timer pending');
  clock.advance(1000);
  assertEqual(sockets.all.length, 2, 'exactly one new socket');
  assertEqual(client.state, State.CONNECTING, 'connecting once');
});

test('no second reconnect timer: a late-noticed ack deadline and its timer act once', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  sockets.last.serverOpen();
  clock.jump(1000); // throttled: the ack timer has not fired
  sockets.last.serverSend({ type: 'echo', text: 'late', serverTime: clock.now });
  assertEqual(of('timerlate').map((e) => e.timer), ['ack'], 'the overdue ack deadline is noticed');
  assertEqual(of('acktimeout').length, 1, 'one ack timeout');
  assertEqual(of('echo').length, 0, 'the given-up socket delivers nothing more');
  assertEqual(clock.pending, 1, 'the ack timer was cleared; only the reconnect is pending');
  clock.advance(10_000);
  assertEqual(of('acktimeout').length, 1, 'still one ack timeout');
  assertEqual(sockets.all.length, 2, 'one reconnect');
});

test('no second reconnect timer: online while reconnecting connects once, at once', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  sockets.last.serverClose(1006);
  assertEqual(client.state, State.RECONNECTING, 'reconnecting');
  client.networkOnline();
  assertEqual(sockets.all.length, 2, 'connects at once');
  assertEqual(clock.pending, 0, 'the backoff timer is gone');
  client.networkOnline();
  assertEqual(sockets.all.length, 2, 'online while connecting does nothing');
  assertEqual(of('reconnectscheduled').length, 1, 'one schedule');
});

test('no reconnect after Disconnect: close 1000, no timers, no new socket ever', () => {
  const { client, sockets, clock, of } = connected();
  const socket = sockets.last;
  assert(clock.pending > 0, 'heartbeat timer running before');
  client.disconnect();
  assertEqual(socket.closedWith, { code: 1000, reason: 'disconnect' }, 'closed with 1000');
  assertEqual(client.state, State.DISCONNECTED, 'state');
  assertEqual(clock.pending, 0, 'no timer left');
  socket.serverClose(1000); // the close handshake completing later
  clock.advance(10 * RECONNECT.maxDelay);
  assertEqual(sockets.all.length, 1, 'no reconnect');
  assertEqual(of('reconnectscheduled').length, 0, 'nothing scheduled');
  assertEqual(of('disconnect').length, 1, 'disconnect reported');
});

test('no reconnect after Disconnect while a reconnect was pending', () => {
  const { client, sockets, clock } = connected();
  sockets.last.serverClose(1001);
  assertEqual(client.state, State.RECONNECTING, 'reconnecting');
  client.disconnect();
  assertEqual(client.state, State.DISCONNECTED, 'disconnected');
  assertEqual(clock.pending, 0, 'the reconnect timer is cleared');
  clock.advance(10 * RECONNECT.maxDelay);
  assertEqual(sockets.all.length, 1, 'no reconnect');
});

test('Disconnect while connecting abandons the socket; Connect opens a new one', () => {
  const { client, sockets, clock } = setup();
  client.connect();
  const first = sockets.last;
  client.disconnect();
  first.serverOpen(); // the handshake completes after the click: ignored
  assertEqual(client.state, State.DISCONNECTED, 'still disconnected');
  assertEqual(first.sent, [], 'nothing sent on the abandoned socket');
  client.connect();
  sockets.last.serverOpen();
  assertEqual(client.state, State.OPEN, 'open again');
  assertEqual(sockets.all.length, 2, 'a new socket');
  assertEqual(clock.pending, 1, 'only the ack timer of the first heartbeat');
});

test('1008 policy violation: logged, no reconnect, Connect still works', () => {
  const { client, sockets, clock, of } = connected();
  sockets.last.serverClose(1008, 'too many messages');
  assertEqual(of('noreconnect').map((e) => e.code), [1008], 'reported');
  assertEqual(client.state, State.DISCONNECTED, 'disconnected');
  assertEqual(clock.pending, 0, 'no timers');
  clock.advance(10 * RECONNECT.maxDelay);
  assertEqual(sockets.all.length, 1, 'no reconnect');
  client.connect();
  assertEqual(sockets.all.length, 2, 'Connect opens again');
});

test('every other server close (4000, 1001, 1013, 1006) reconnects', () => {
  for (const code of [4000, 1001, 1013, 1006]) {
    const { client, sockets, of } = connected();
    sockets.last.serverClose(code);
    assertEqual(client.state, State.RECONNECTING, `state after ${code}`);
    assertEqual(of('close').map((e) => e.code), [code], `close ${code} reported`);
  }
});

test('every way out of open clears the heartbeat and ack timers', () => {
  const { client, sockets, clock } = connected();
  assertEqual(clock.pending, 1, 'the next-heartbeat timer');
  sockets.last.serverClose(4000, 'heartbeat timeout');
  assertEqual(clock.pending, 1, 'only the reconnect timer');
  clock.advance(1000);
  sockets.last.serverOpen();
  assertEqual(clock.pending, 1, 'only the ack timer');
  client.disconnect();
  assertEqual(clock.pending, 0, 'nothing after disconnect');
});

// --- Reconnect backoff ------------------------------------------------------------------------

test('reconnect delays grow with jitter inside their caps', () => {
  const { client, sockets, clock, of } = setup({ random: () => 0.999 });
  client.connect();
  for (let i = 0; i < 6; i++) {
    sockets.last.serverClose(1006);
    clock.advance(1000);
  }
  const scheduled = of('reconnectscheduled');
  assertEqual(scheduled.map((e) => e.attempt), [1, 2, 3, 4, 5, 6], 'attempts');
  assertEqual(scheduled.map((e) => e.cap), [100, 200, 400, 800, 1000, 1000], 'caps');
  assert(scheduled.every((e) => e.delay >= 0 && e.delay < e.cap), 'each delay below its cap');
  assertEqual(of('connecting').map((e) => e.attempt), [0, 1, 2, 3, 4, 5, 6], 'connecting reports the attempt');
});

test('the attempt counter resets after the first ack on a new connection, not on open', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  sockets.last.serverClose(1006);
  clock.advance(1000);
  sockets.last.serverOpen(); // open but closed before any ack
  sockets.last.serverClose(1006);
  clock.advance(1000);
  sockets.last.serverOpen();
  sockets.last.ack(clock);
  assertEqual(client.attempt, 0, 'reset by the ack');
  sockets.last.serverClose(1001);
  assertEqual(of('reconnectscheduled').map((e) => e.attempt), [1, 2, 1], 'attempts');
});

// --- Adaptive interval, welcome, deadlines ---------------------------------------------------

test('a slow RTT moves to the slow interval and back, declared in the next heartbeat', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  const socket = sockets.last;
  socket.serverOpen();
  socket.ack(clock, 250);
  assertEqual(of('intervalchange').map((e) => [e.from, e.to, e.slow]), [[1000, 3000, true]], 'to slow');
  assertEqual(client.interval, 3000, 'interval now');
  clock.advance(3000 - 250 - 1);
  assertEqual(socket.heartbeats().length, 1, 'waits the slow interval');
  clock.advance(1);
  assertEqual(socket.heartbeats()[1].interval, 3000, 'declared');
  socket.ack(clock, 50);
  assertEqual(of('intervalchange').map((e) => [e.from, e.to, e.slow]), [[1000, 3000, true], [3000, 1000, false]], 'back');
  clock.advance(1000 - 50);
  assertEqual(socket.heartbeats()[2].interval, 1000, 'declared again');
  assertEqual(of('intervalchange').length, 2, 'no change while RTT stays low');
});

test('the welcome message sets the timings the client uses', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  const socket = sockets.last;
  socket.serverOpen();
  socket.serverSend({ type: 'welcome', sessionId: 's-1', interval: 2000, ackTimeout: 500, serverTimeout: 9000,
    slowRtt: 400, slowInterval: 6000, maxInterval: 6000 });
  assertEqual(client.sessionId, 's-1', 'session id');
  assertEqual(of('welcome')[0].timings.interval, 2000, 'reported');
  socket.ack(clock, 10);
  clock.advance(2000 - 10);
  const next = socket.heartbeats()[1];
  assertEqual(next.interval, 2000, 'declares the server interval');
  clock.advance(499);
  assertEqual(of('acktimeout').length, 0, 'the server ack timeout, not the page one');
  clock.advance(1);
  assertEqual(of('acktimeout').length, 1, 'times out at 500 ms');
});

test('a heartbeat overdue in a throttled tab goes out when the page becomes visible', () => {
  const { client, sockets, clock, of } = connected();
  const socket = sockets.last;
  clock.jump(5000);
  client.pageVisible();
  assertEqual(of('timerlate').map((e) => e.timer), ['heartbeat'], 'noticed late');
  assertEqual(socket.heartbeats().length, 2, 'sent at once');
  assertEqual(clock.pending, 1, 'only the new ack timer');
});

test('visible again on a healthy connection: one heartbeat at once', () => {
  const { client, sockets, clock } = connected();
  clock.advance(100);
  client.pageVisible();
  assertEqual(sockets.last.heartbeats().length, 2, 'heartbeat at once');
  assertEqual(clock.pending, 1, 'the scheduled heartbeat replaced by the ack timer');
});

test('an overdue reconnect runs when the page becomes visible', () => {
  const { client, sockets, clock } = connected();
  sockets.last.serverClose(1006);
  clock.jump(5000);
  client.pageVisible();
  assertEqual(sockets.all.length, 2, 'reconnected at once');
  assertEqual(clock.pending, 0, 'no timer left behind');
});

test('a stale socket cannot act after a new one opened', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  const old = sockets.last;
  old.serverOpen();
  const oldOnMessage = old.onmessage;
  const oldOnClose = old.onclose;
  clock.advance(300); // ack timeout
  clock.advance(1000); // reconnect
  sockets.last.serverOpen();
  oldOnMessage({ data: JSON.stringify({ type: 'echo', text: 'from the past' }) });
  oldOnClose({ code: 1006, reason: '', wasClean: false });
  assertEqual(of('echo').length, 0, 'no echo from the old socket');
  assertEqual(client.state, State.OPEN, 'still open');
});

test('messages: echo and errors reported, nonsense ignored, nothing sent when not open', () => {
  const { client, sockets, of } = connected();
  assertEqual(client.send('hi'), true, 'sent when open');
  assertEqual(sockets.last.sent.at(-1), { type: 'message', text: 'hi' }, 'message frame');
  sockets.last.serverSend({ type: 'echo', text: '<b>hi</b>', serverTime: 1 });
  sockets.last.serverSend({ type: 'error', code: 'unknown-type', message: 'no' });
  sockets.last.serverSend('not json');
  sockets.last.serverSend('42');
  sockets.last.serverSend({ type: 'surprise' });
  assertEqual(of('echo').map((e) => e.text), ['<b>hi</b>'], 'echo text unchanged');
  assertEqual(of('servererror').map((e) => e.code), ['unknown-type'], 'error');
  assertEqual(of('unreadable').length, 3, 'ignored');
  assertEqual(client.state, State.OPEN, 'still open');
  client.disconnect();
  assertEqual(client.send('later'), false, 'not sent when disconnected');
});

// --- LogView ----------------------------------------------------------------------------------

test('log view shows markup as text and creates no elements from it', () => {
  const list = document.createElement('ol');
  const view = new LogView(list);
  window.harnessXss = false;
  const entry = view.append('echo', '<img src=x onerror="window.harnessXss = true">', { data: { code: 1 } });
  assertEqual(entry.querySelector('.log-text').textContent, '<img src=x onerror="window.harnessXss = true">', 'text');
  assertEqual(list.querySelectorAll('img').length, 0, 'no img element');
  assertEqual(entry.dataset.event, 'echo', 'data-event');
  assertEqual(entry.dataset.code, '1', 'data attributes');
});

test('log view keeps only the newest entries and can be cleared', () => {
  const list = document.createElement('ol');
  const view = new LogView(list, { maxEntries: 3 });
  for (let i = 1; i <= 5; i++) {
    view.append('n', `entry ${i}`);
  }
  assertEqual([...list.children].map((li) => li.querySelector('.log-text').textContent), ['entry 3', 'entry 4', 'entry 5'], 'newest three');
  view.clear();
  assertEqual(view.size, 0, 'cleared');
});

test('log view time is HH:mm:ss.SSS', () => {
  assertEqual(formatTime(new Date(2024, 0, 2, 3, 4, 5, 6)), '03:04:05.006', 'padded');
  assertEqual(formatTime(new Date(2024, 0, 2, 23, 59, 59, 999)), '23:59:59.999', 'late');
});

test('log view follows the newest entry unless the reader scrolled up', () => {
  const list = document.getElementById('scroller');
  const view = new LogView(list);
  for (let i = 0; i < 20; i++) {
    view.append('n', `line ${i}`);
  }
  const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight <= 1;
  assert(atBottom(), 'follows while at the bottom');
  list.scrollTop = 0;
  view.append('n', 'one more');
  assertEqual(list.scrollTop, 0, 'stays where the reader scrolled');
  list.scrollTop = list.scrollHeight;
  view.append('n', 'and another');
  assert(atBottom(), 'follows again once back at the bottom');
});

// --- Run ----------------------------------------------------------------------------------------

const results = [];
for (const { name, fn } of tests) {
  try {
    await fn();
    results.push({ name, ok: true, error: '' });
  } catch (error) {
    results.push({ name, ok: false, error: String(error && error.stack || error) });
  }
}
window.harnessResults = results;
document.body.dataset.done = 'true';
