/*
 * Unit tests of the page's real ES modules, run in headless Chromium by ClientHarnessTests.
 * Time is a FakeClock and the WebSocket is a FakeWebSocket: nothing waits, nothing touches the
 * network. Results go to window.harnessResults, one entry per test.
 */
import { Backoff } from '/js/backoff.js';
import { DeadlineTimer } from '/js/deadline-timer.js';
import { DemoClient, DemoEvents, Fault } from '/js/demo-client.js';
import { CloseCode, Events, HeartbeatClient, reconnectWindow, State, socketUrl, withClientId } from '/js/heartbeat-client.js';
import { formatTime, LogView } from '/js/log-view.js';
import { niceStep, RttChart } from '/js/rtt-chart.js';
import { formatAddress, liveness, MAX_OPEN_ROWS, SessionsTable, watchSessions } from '/js/sessions-view.js';
import { renderStormChart } from '/js/storm-chart.js';

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

const TIMINGS = { interval: 1000, ackTimeout: 300, serverTimeout: 4000, slowRtt: 200, slowInterval: 3000, maxInterval: 3000 };
const RECONNECT = { initialDelay: 100, maxDelay: 1000, multiplier: 2 };

/**
 * A client on a fake clock and fake sockets, with every event it documents recorded in order.
 * Client is HeartbeatClient, DemoClient, or a subclass made in a test.
 */
function setup({ random = () => 0.5, Client = HeartbeatClient } = {}) {
  const clock = new FakeClock();
  const sockets = fakeSockets();
  const client = new Client('ws://example.test/ws', {
    timings: TIMINGS,
    reconnect: RECONNECT,
    WebSocket: sockets.WebSocket,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: () => clock.now,
    random,
  });
  const events = [];
  for (const type of client instanceof DemoClient ? [...Events, ...DemoEvents] : Events) {
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

// --- DeadlineTimer --------------------------------------------------------------------------

function deadlineTimer() {
  const clock = new FakeClock();
  const fired = [];
  const timer = new DeadlineTimer(() => fired.push(clock.now), {
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, now: () => clock.now,
  });
  return { clock, fired, timer };
}

test('deadline timer: pending with its deadline from start until it fires, then neither', () => {
  const { clock, fired, timer } = deadlineTimer();
  assertEqual([timer.pending, timer.deadline], [false, null], 'idle before start');
  timer.start(500);
  assertEqual([timer.pending, timer.deadline], [true, clock.now + 500], 'pending, due in 500 ms');
  clock.advance(499);
  assertEqual(fired.length, 0, 'not yet');
  clock.advance(1);
  assertEqual(fired, [1_000_500], 'fired once, on time');
  assertEqual([timer.pending, timer.deadline], [false, null], 'idle after firing');
});

test('deadline timer: the deadline counts from a given instant, the timer from now', () => {
  const { clock, timer } = deadlineTimer();
  timer.start(300, clock.now - 100);
  assertEqual(timer.deadline, clock.now + 200, 'from + delay');
  assertEqual(clock.pending, 1, 'one timer');
});

test('deadline timer: cancel stops it; start again replaces the pending run rather than adding one', () => {
  const { clock, fired, timer } = deadlineTimer();
  timer.start(100);
  timer.cancel();
  assertEqual([timer.pending, clock.pending], [false, 0], 'cancelled');
  timer.cancel();
  assertEqual(clock.pending, 0, 'cancelling twice does nothing');
  timer.start(100);
  timer.start(400);
  assertEqual(clock.pending, 1, 'one run pending');
  clock.advance(1000);
  assertEqual(fired, [1_000_400], 'only the second start fired');
});

test('deadline timer: overdue once the clock passes the deadline while the timer has not fired', () => {
  const { clock, fired, timer } = deadlineTimer();
  assertEqual(timer.isOverdue(), false, 'not pending, never overdue');
  timer.start(1000);
  assertEqual(timer.isOverdue(), false, 'before the deadline');
  clock.jump(999);
  assertEqual(timer.isOverdue(), false, 'just before');
  clock.jump(1);
  assertEqual(timer.isOverdue(), true, 'at the deadline, not fired: a throttled tab');
  assertEqual(timer.isOverdue(clock.now - 1), false, 'judged at the time given');
  assertEqual(fired.length, 0, 'noticing does not fire it');
  timer.cancel();
  assertEqual(timer.isOverdue(), false, 'a cancelled timer is not late');
});

test('deadline timer: a timer id of 0 from a replaced setTimeout is still cleared', () => {
  const cleared = [];
  const timer = new DeadlineTimer(() => {}, { setTimeout: () => 0, clearTimeout: (id) => cleared.push(id), now: () => 5 });
  timer.start(10);
  assertEqual(timer.pending, true, 'pending with id 0');
  timer.cancel();
  assertEqual(cleared, [0], 'cleared by its id');
});

// --- Connecting and the heartbeat ---------------------------------------------------------------

test('the socket URL follows the page: ws for http, wss for https, same host and port', () => {
  assertEqual(socketUrl({ protocol: 'http:', host: 'example.test:8080' }), 'ws://example.test:8080/ws', 'http');
  assertEqual(socketUrl({ protocol: 'https:', host: 'example.test' }), 'wss://example.test/ws', 'https');
});

test('a client id goes out as ?client= on every connect; none by default; a malformed one throws at once', () => {
  assertEqual(withClientId('ws://example.test/ws', 'abc-1_2'), 'ws://example.test/ws?client=abc-1_2', 'appended');
  assertEqual(withClientId('ws://example.test/ws?x=1', 'abc'), 'ws://example.test/ws?x=1&client=abc', 'beside a query');
  const sockets = fakeSockets();
  const options = { timings: TIMINGS, reconnect: RECONNECT, WebSocket: sockets.WebSocket };
  new HeartbeatClient('ws://example.test/ws', { ...options, clientId: 'abc' }).connect();
  assertEqual(sockets.last.url, 'ws://example.test/ws?client=abc', 'sent');
  new HeartbeatClient('ws://example.test/ws', options).connect();
  assertEqual(sockets.last.url, 'ws://example.test/ws', 'none without the option');
  for (const bad of ['', 'a b', 'x'.repeat(65), 'é', 42]) {
    let thrown = null;
    try {
      new HeartbeatClient('ws://example.test/ws', { ...options, clientId: bad });
    } catch (error) {
      thrown = error;
    }
    assert(thrown instanceof RangeError, `refused: ${JSON.stringify(bad)}`);
  }
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

test('a draining server\'s 1012 window replaces the backoff cap once: a delay drawn from the whole window', () => {
  const { client, sockets, clock, of } = connected({ random: () => 0.75 });
  sockets.last.serverClose(1012, 'service restart; reconnect within 10000 ms');
  assertEqual(of('reconnectscheduled').map(({ delay, cap, window }) => ({ delay, cap, window })),
    [{ delay: 7500, cap: 10000, window: true }], 'drawn from the server\'s window, full jitter');
  clock.advance(7499);
  assertEqual(sockets.all.length, 1, 'not before its drawn delay');
  clock.advance(1);
  assertEqual(sockets.all.length, 2, 'reconnects at its drawn delay');
  sockets.last.serverClose(CloseCode.ABNORMAL);
  assertEqual(of('reconnectscheduled').at(-1).window, false, 'the next failure uses the backoff again');
  assert(of('reconnectscheduled').at(-1).cap <= RECONNECT.maxDelay, 'within the backoff cap');
  assertEqual(client.state, State.RECONNECTING, 'state');
});

test('the reconnect window is read only from a 1012 that names one', () => {
  assertEqual(reconnectWindow(1012, 'service restart; reconnect within 2500 ms'), 2500, 'the format');
  assertEqual(reconnectWindow(1012, 'restart storm'), null, 'a 1012 without a window');
  assertEqual(reconnectWindow(1001, 'reconnect within 2500 ms'), null, 'another code');
  assertEqual(reconnectWindow(1012, 'reconnect within 0 ms'), null, 'no empty window');
  assertEqual(reconnectWindow(1012, undefined), null, 'no reason');
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
  assertEqual(clock.pending, 1, 'the backoff timer is gone; the new socket\'s connect timeout runs');
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

test('a socket that does not open within the connect timeout is given up with 4002 and reconnected', () => {
  const { client, sockets, clock, of } = setup();
  client.connect();
  clock.advance(9_999);
  assertEqual(client.state, State.CONNECTING, 'still connecting just before the timeout');
  clock.advance(1);
  assertEqual(of('connecttimeout').map((e) => e.timeout), [10_000], 'the timeout reported');
  assertEqual(sockets.all[0].closedWith, { code: CloseCode.CONNECT_TIMEOUT, reason: 'connect timeout' }, 'socket closed');
  assertEqual(of('close').map((e) => [e.code, e.byClient]), [[CloseCode.CONNECT_TIMEOUT, true]], 'close reported');
  assertEqual(client.state, State.RECONNECTING, 'a reconnect scheduled');
  sockets.all[0].serverOpen(); // the abandoned handshake completing late changes nothing
  assertEqual(client.state, State.RECONNECTING, 'the old socket cannot open the client');
  clock.advance(RECONNECT.maxDelay);
  assertEqual(sockets.all.length, 2, 'a new socket');
  sockets.last.serverOpen();
  sockets.last.ack(clock);
  clock.advance(10_000 + TIMINGS.interval); // beats keep going unanswered: an ack timeout, not a connect timeout
  assertEqual(of('connecttimeout').length, 1, 'no connect timeout once open');
});

test('a connect timeout missed in a throttled tab is acted on when the page becomes visible', () => {
  const { client, clock, of } = setup();
  client.connect();
  clock.jump(15_000);
  client.pageVisible();
  assertEqual(of('timerlate').map((e) => e.timer), ['connect'], 'noticed as late');
  assertEqual(of('connecttimeout').length, 1, 'given up once');
  assertEqual(client.state, State.RECONNECTING, 'reconnecting');
});

test('a new connection reports its own round trip, not the one before it', () => {
  const { sockets, clock } = connected();
  clock.advance(TIMINGS.interval);
  assertEqual(sockets.last.heartbeats().at(-1).rtt, 10, 'the second heartbeat carries the first round trip');
  sockets.last.serverClose(1006);
  clock.advance(RECONNECT.maxDelay);
  sockets.last.serverOpen();
  assertEqual(sockets.last.heartbeats().length, 1, 'the new connection beat once');
  assertEqual(sockets.last.heartbeats()[0].rtt, undefined, 'with no round trip yet');
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
  clock.advance(1000 - 250);
  assertEqual(socket.heartbeats()[1].interval, 3000, 'declared one old interval later, before it is used');
  socket.ack(clock, 250);
  clock.advance(3000 - 250 - 1);
  assertEqual(socket.heartbeats().length, 2, 'then waits the slow interval');
  clock.advance(1);
  assertEqual(socket.heartbeats()[2].interval, 3000, 'declared');
  socket.ack(clock, 50);
  assertEqual(of('intervalchange').map((e) => [e.from, e.to, e.slow]), [[1000, 3000, true], [3000, 1000, false]], 'back');
  clock.advance(1000 - 50);
  assertEqual(socket.heartbeats()[3].interval, 1000, 'declared again, after the fast interval');
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

test('the welcome names the node the page is connected to, in a cluster; none on a server of its own', () => {
  const { client, sockets, of } = setup();
  client.connect();
  sockets.last.serverOpen();
  sockets.last.serverSend({ type: 'welcome', sessionId: 's-1', interval: 2000, node: 'node-2' });
  sockets.last.serverSend({ type: 'welcome', sessionId: 's-2', interval: 2000 });
  assertEqual(of('welcome').map((e) => e.node), ['node-2', null], 'node');
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
  assertEqual(clock.pending, 1, 'no timer left behind but the new socket\'s connect timeout');
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

// --- Deadlines ---------------------------------------------------------------------------------

test('the deadlines are exposed: next heartbeat after an ack, ack deadline while one is pending', () => {
  const { client, sockets, clock, of } = setup();
  assertEqual([client.nextHeartbeatAt, client.ackDeadline], [null, null], 'none before connecting');
  client.connect();
  sockets.last.serverOpen();
  const sentAt = clock.now;
  assertEqual(client.ackDeadline, sentAt + TIMINGS.ackTimeout, 'ack deadline');
  assertEqual(of('heartbeat')[0].ackDeadline, sentAt + TIMINGS.ackTimeout, 'in the event too');
  assertEqual(client.nextHeartbeatAt, null, 'no next heartbeat while waiting');
  sockets.last.ack(clock, 30);
  assertEqual(client.ackDeadline, null, 'no ack deadline after the ack');
  assertEqual(client.nextHeartbeatAt, sentAt + TIMINGS.interval, 'next heartbeat one interval after the last');
  assertEqual(of('ack')[0].nextHeartbeatAt, sentAt + TIMINGS.interval, 'in the event too');
  client.disconnect();
  assertEqual([client.nextHeartbeatAt, client.ackDeadline], [null, null], 'none after disconnect');
});

test('a longer interval is declared before it is used: no gap the server has not been told of', () => {
  const { client, sockets, clock } = connected();
  for (let i = 0; i < 6; i++) {
    clock.advance(client.nextHeartbeatAt - clock.now);
    sockets.last.ack(clock, 250); // slow from the first of these on
  }
  assertEqual(client.state, State.OPEN, 'still open');
  const sent = sockets.last.heartbeats();
  assertEqual(sent.length, 7, 'heartbeats');
  for (let i = 1; i < sent.length; i++) {
    const gap = sent[i].timestamp - sent[i - 1].timestamp;
    const declared = sent[i - 1].interval;
    assert(gap <= declared, `heartbeat ${i} came ${gap} ms after one declaring ${declared} ms`);
  }
  assertEqual(sent.at(-1).interval, TIMINGS.slowInterval, 'beating at the slow interval');
});

test('the server deadline follows the declared interval: 1.5x, capped, never below the server timeout', () => {
  const { client, sockets, clock } = connected();
  assertEqual(client.serverDeadline, TIMINGS.serverTimeout, 'the server timeout at the normal interval');
  clock.advance(TIMINGS.interval - 10);
  sockets.last.ack(clock, 250); // slow: interval 3000 -> 4500 > 4000
  assertEqual(client.serverDeadline, 4500, '1.5 x slow interval');
});

test('the ack comes before the interval change it causes, as the log shows them', () => {
  const { sockets, clock, events } = connected();
  clock.advance(TIMINGS.interval - 10);
  sockets.last.ack(clock, 250);
  const order = events.filter((e) => e.type === 'ack' || e.type === 'intervalchange').map((e) => e.type);
  assertEqual(order, ['ack', 'ack', 'intervalchange'], 'order');
});

// --- Extension points ---------------------------------------------------------------------------

test('the heartbeat client alone has no demo controls, and a "simulated" frame is unreadable to it', () => {
  const { client, sockets, of } = connected();
  for (const name of ['pause', 'resume', 'simulate', 'paused']) {
    assert(!(name in client), `no ${name}`);
  }
  sockets.last.serverSend({ type: 'simulated', fault: 'none' });
  assertEqual(of('unreadable').length, 1, 'a frame it does not speak');
});

test('extension point sendFrame: a frame goes out as JSON, only while open', () => {
  const { client, sockets } = setup();
  assertEqual(client.sendFrame({ type: 'extra' }), false, 'disconnected');
  client.connect();
  assertEqual(client.sendFrame({ type: 'extra' }), false, 'connecting');
  assertEqual(sockets.last.sent, [], 'nothing sent');
  sockets.last.serverOpen();
  assertEqual(client.sendFrame({ type: 'extra', n: 1 }), true, 'open');
  assertEqual(sockets.last.sent.at(-1), { type: 'extra', n: 1 }, 'the frame');
});

test('extension point holdHeartbeats: silent on this connection with the socket open; the next connection beats', () => {
  const { client, sockets, clock, of } = setup();
  assertEqual(client.holdHeartbeats(), false, 'nothing to hold when disconnected');
  client.connect();
  sockets.last.serverOpen();
  assertEqual(client.holdHeartbeats(), true, 'held');
  assertEqual(client.holdHeartbeats(), false, 'held once');
  sockets.last.ack(clock);
  assertEqual(of('ack').length, 1, 'the ack on its way is taken');
  assertEqual([client.nextHeartbeatAt, clock.pending], [null, 0], 'no heartbeat scheduled');
  clock.advance(10 * TIMINGS.interval);
  client.pageVisible();
  assertEqual(sockets.last.heartbeats().length, 1, 'silent');
  assertEqual([sockets.last.closedWith, client.state], [null, State.OPEN], 'left open for the server to reap');
  sockets.last.serverClose(4000, 'heartbeat timeout');
  assertEqual(client.releaseHeartbeats(), false, 'nothing to release while reconnecting');
  clock.advance(RECONNECT.maxDelay);
  sockets.last.serverOpen();
  assertEqual(sockets.last.heartbeats().length, 1, 'the new connection beats');
  sockets.last.ack(clock);
  assert(client.nextHeartbeatAt !== null, 'and goes on beating');
});

test('extension point releaseHeartbeats: a heartbeat at once, or after the ack still on its way', () => {
  const { client, sockets, clock } = setup();
  client.connect();
  sockets.last.serverOpen();
  assertEqual(client.releaseHeartbeats(), false, 'not held');
  client.holdHeartbeats();
  assertEqual(client.releaseHeartbeats(), true, 'released');
  assertEqual(sockets.last.heartbeats().length, 1, 'the first heartbeat still waits for its ack: no second');
  sockets.last.ack(clock);
  assert(client.nextHeartbeatAt !== null, 'the ack schedules the next one');
  client.holdHeartbeats();
  client.releaseHeartbeats();
  assertEqual(sockets.last.heartbeats().length, 2, 'nothing outstanding: a heartbeat at once');
});

/** A subclass that records what the extension hooks are called with. */
class RecordingClient extends HeartbeatClient {
  seen = [];

  handleFrame(message) {
    this.seen.push(`frame ${message.type}`);
    return message.type === 'mine';
  }

  connectionOpened() {
    this.seen.push(`opened ${this.state}`);
  }
}

test('extension point handleFrame: frames of a type the client does not know, from the current socket only', () => {
  const { client, sockets, clock, of } = setup({ Client: RecordingClient });
  client.connect();
  const socket = sockets.last;
  socket.serverOpen();
  socket.serverSend({ type: 'mine' });
  socket.serverSend({ type: 'theirs' });
  socket.serverSend({ type: 'echo', text: 'x', serverTime: 1 });
  socket.serverSend('not json');
  assertEqual(client.seen.filter((s) => s.startsWith('frame')), ['frame mine', 'frame theirs'], 'unknown types only');
  assertEqual(of('unreadable').length, 2, 'a frame the subclass did not take, and nonsense, are unreadable');
  const onmessage = socket.onmessage;
  clock.advance(TIMINGS.ackTimeout); // gives the socket up
  onmessage({ data: JSON.stringify({ type: 'mine' }) });
  assertEqual(client.seen.filter((s) => s.startsWith('frame')).length, 2, 'nothing from a retired socket');
});

test('extension point connectionOpened: on every new connection, after the open event, before its first heartbeat', () => {
  const { client, sockets, clock } = setup({ Client: RecordingClient });
  client.addEventListener('open', () => client.seen.push('open event'));
  client.addEventListener('heartbeat', () => client.seen.push('heartbeat'));
  client.connect();
  sockets.last.serverOpen();
  sockets.last.serverClose(1006);
  clock.advance(RECONNECT.maxDelay);
  sockets.last.serverOpen();
  assertEqual(client.seen, ['open event', 'opened open', 'heartbeat', 'open event', 'opened open', 'heartbeat'], 'order');
});

// --- The demo's controls (DemoClient) --------------------------------------------------------------

test('demo: pause keeps the socket open and sends nothing more; the pending ack is still taken', () => {
  const { client, sockets, clock, of } = setup({ Client: DemoClient });
  client.connect();
  const socket = sockets.last;
  socket.serverOpen();
  assertEqual(client.pause(), true, 'paused');
  assertEqual(of('paused').length, 1, 'reported');
  socket.ack(clock, 20);
  assertEqual(of('ack').length, 1, 'the outstanding ack is taken');
  assertEqual(client.nextHeartbeatAt, null, 'no next heartbeat while paused');
  assertEqual(clock.pending, 0, 'no timer at all while paused');
  clock.advance(10 * TIMINGS.interval);
  client.pageVisible();
  client.networkOnline();
  assertEqual(socket.heartbeats().length, 1, 'silent');
  assertEqual(socket.closedWith, null, 'socket left open for the server to reap');
  assertEqual(client.state, State.OPEN, 'still open');
  assertEqual(client.pause(), false, 'pausing twice does nothing');
});

test('demo: resume beats at once; a reconnect after the reap beats again without a click', () => {
  const { client, sockets, clock, of } = connected({ Client: DemoClient });
  client.pause();
  assertEqual(client.resume(), true, 'resumed');
  assertEqual(sockets.last.heartbeats().length, 2, 'a heartbeat at once');
  client.pause();
  sockets.last.serverClose(4000, 'heartbeat timeout');
  assertEqual(client.paused, true, 'still paused while reconnecting');
  clock.advance(RECONNECT.maxDelay);
  sockets.last.serverOpen();
  assertEqual(client.paused, false, 'a new connection is not paused');
  assertEqual(of('resumed').map((e) => e.byReconnect), [false, true], 'resumed by click, then by reconnect');
  assertEqual(sockets.last.heartbeats().length, 1, 'the new connection beats');
});

test('demo: pause, resume and simulate do nothing unless open', () => {
  const { client, sockets } = setup({ Client: DemoClient });
  assertEqual(client.pause(), false, 'pause when disconnected');
  assertEqual(client.simulate(Fault.DROP_ACKS), false, 'simulate when disconnected');
  client.connect();
  assertEqual(client.simulate(Fault.DROP_ACKS), false, 'simulate when connecting');
  assertEqual(sockets.last.sent, [], 'nothing sent');
});

test('demo: simulate sends the fault frame; the delay only for delay-acks; the confirmation is reported', () => {
  const { client, sockets, of } = connected({ Client: DemoClient });
  client.simulate(Fault.DELAY_ACKS, 1500);
  client.simulate(Fault.DROP_ACKS, 99);
  client.simulate(Fault.NONE);
  client.simulate(Fault.STOP_NODE, 99);
  const frames = sockets.last.sent.filter((m) => m.type === 'simulate');
  assertEqual(frames, [
    { type: 'simulate', fault: 'delay-acks', delay: 1500 },
    { type: 'simulate', fault: 'drop-acks' },
    { type: 'simulate', fault: 'none' },
    { type: 'simulate', fault: 'stop-node' },
  ], 'frames');
  assertEqual(of('simulaterequested').map((e) => [e.fault, e.delay]),
    [['delay-acks', 1500], ['drop-acks', null], ['none', null], ['stop-node', null]], 'requests reported');
  sockets.last.serverSend({ type: 'simulated', fault: 'delay-acks', delay: 1500 });
  sockets.last.serverSend({ type: 'simulated', fault: 'none' });
  assertEqual(of('simulated').map((e) => [e.fault, e.delay]), [['delay-acks', 1500], ['none', null]], 'confirmations');
  assertEqual(of('unreadable').length, 0, 'simulated is understood');
});

test('demo: resumed comes before the heartbeat it lets out, and after the open of a new connection', () => {
  const { client, sockets, clock, events } = connected({ Client: DemoClient });
  const order = (from) => events.slice(from).map((e) => e.type).filter((t) => ['open', 'resumed', 'heartbeat'].includes(t));
  client.pause();
  let from = events.length;
  client.resume();
  assertEqual(order(from), ['resumed', 'heartbeat'], 'by a click');
  sockets.last.ack(clock);
  client.pause();
  sockets.last.serverClose(4000, 'heartbeat timeout');
  from = events.length;
  clock.advance(RECONNECT.maxDelay);
  sockets.last.serverOpen();
  assertEqual(order(from), ['open', 'resumed', 'heartbeat'], 'by a new connection');
});

// --- The event lists --------------------------------------------------------------------------

/** Drives a client down every path that dispatches an event; whileOpen adds a subclass's own. */
function exercise({ client, sockets, clock }, whileOpen) {
  client.connect();
  clock.advance(10_000); // connect timeout
  clock.advance(RECONNECT.maxDelay);
  const socket = sockets.last;
  socket.serverOpen();
  socket.serverSend({ type: 'welcome', sessionId: 's-1' });
  socket.ack(clock, TIMINGS.slowRtt + 50); // slow: the interval changes
  client.send('hi');
  socket.serverSend({ type: 'echo', text: 'hi', serverTime: clock.now });
  socket.serverSend({ type: 'error', code: 'unknown-type', message: 'no' });
  socket.serverSend('nonsense');
  socket.onerror({});
  whileOpen(client, socket);
  clock.jump(10 * TIMINGS.slowInterval); // a throttled tab: a late heartbeat, then a late ack deadline
  client.pageVisible();
  clock.jump(10 * TIMINGS.ackTimeout);
  client.pageVisible();
  clock.advance(RECONNECT.maxDelay);
  sockets.last.serverOpen();
  sockets.last.serverClose(CloseCode.POLICY_VIOLATION);
  client.connect();
  client.disconnect();
}

function demoControls(client, socket) {
  client.simulate(Fault.NONE);
  socket.serverSend({ type: 'simulated', fault: 'none' });
  client.pause();
  client.resume();
}

test('every event is written down once: each client dispatches exactly the events it lists', () => {
  const all = [...Events, ...DemoEvents];
  assertEqual(new Set(all).size, all.length, 'no event in both lists');
  for (const [Client, listed, whileOpen] of [[HeartbeatClient, Events, () => {}], [DemoClient, all, demoControls]]) {
    const f = setup({ Client });
    const dispatched = new Set();
    const dispatch = f.client.dispatchEvent.bind(f.client);
    f.client.dispatchEvent = (event) => {
      dispatched.add(event.type);
      return dispatch(event);
    };
    exercise(f, whileOpen);
    assertEqual([...dispatched].filter((type) => !listed.includes(type)), [], `${Client.name} dispatched but did not list`);
    assertEqual(listed.filter((type) => !dispatched.has(type)), [], `${Client.name} listed but did not dispatch`);
  }
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

// --- RTT chart, sessions table, storm chart ------------------------------------------------------

const LABELS = {
  axis: 'ms', ms: (v) => `${v} ms`, ago: (ms) => `-${ms / 1000} s`, now: 'now', threshold: (v) => `slow-rtt ${v}`,
  interval: (v) => `-> ${v}`, reconnect: (code) => `closed ${code}`,
};

function svg(width = 600, height = 200) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  node.style.width = `${width}px`;
  node.style.height = `${height}px`;
  document.body.append(node);
  return node;
}

test('nice steps are 1, 2 or 5 times a power of ten', () => {
  assertEqual([0.3, 1, 3, 7, 12, 260, 4000].map(niceStep), [0.5, 1, 5, 10, 20, 500, 5000], 'steps');
});

test('rtt chart: one point per ack, slow ones marked, the threshold drawn, old points dropped', () => {
  let now = 1_000_000;
  const node = svg();
  const chart = new RttChart(node, { threshold: 300, windowMs: 60_000, minSpanMs: 10_000, labels: LABELS, now: () => now });
  chart.addAck(now - 70_000, 20); // older than the window
  chart.addAck(now - 2000, 40);
  chart.addAck(now - 1000, 450);
  chart.markInterval(now - 1000, 2500, true);
  chart.markReconnect(now - 500, 4000);
  chart.addAck(now, 30);
  chart.render();
  assertEqual(node.dataset.points, '3', 'points in the window');
  assertEqual(node.querySelectorAll('circle.chart-point').length, 3, 'circles');
  assertEqual(node.querySelectorAll('circle.chart-point-slow').length, 1, 'the slow one');
  assertEqual([...node.querySelectorAll('.chart-mark')].map((m) => m.dataset.kind), ['slow', 'reconnect'], 'marks');
  assertEqual(node.querySelector('.chart-threshold text').textContent, 'slow-rtt 300', 'threshold label');
  const d = node.querySelector('.chart-line').getAttribute('d');
  assertEqual((d.match(/M/g) || []).length, 2, 'the line breaks at the reconnect');
  const xs = [...node.querySelectorAll('circle')].map((c) => Number(c.getAttribute('cx')));
  assert(xs[0] < xs[1] && xs[1] < xs[2], 'time runs left to right');
  assert(xs[2] <= 600, 'inside the box');
  now += 120_000;
  chart.render();
  assertEqual(node.dataset.points, '0', 'everything aged out');
  node.remove();
});

test('rtt chart shows labels as text, never as markup', () => {
  const node = svg();
  const chart = new RttChart(node, { threshold: 300, labels: { ...LABELS, reconnect: () => '<img src=x>' }, now: () => 5000 });
  chart.markReconnect(4000, 1006);
  chart.render();
  assertEqual(node.querySelectorAll('img').length, 0, 'no element from a label');
  assertEqual(node.querySelector('.chart-mark text').textContent, '<img src=x>', 'shown as text');
  node.remove();
});

const T = (key, params = {}) => `${key}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`;
const DURATION = (ms) => `${ms} ms`;

function snapshot(id, overrides = {}) {
  return {
    id, remoteAddress: '127.0.0.1:5000', connectedAt: '2024-01-01T00:00:00Z', ageMillis: 5000, silentForMillis: 500,
    deadlineMillis: 2000, lastPongAgoMillis: null, rttMillis: 12, declaredIntervalMillis: 1000, messagesReceived: 3,
    heartbeatsAcked: 3, ...overrides,
  };
}

test('sessions table: silence as a bar toward the deadline, own session first and marked', () => {
  const body = document.createElement('tbody');
  const summary = document.createElement('p');
  const table = new SessionsTable(body, { summary, t: T, duration: DURATION });
  table.markOwn('mine');
  table.render({ at: '2024-01-01T00:01:00Z', open: [snapshot('other', { silentForMillis: 1500 }), snapshot('mine')], recentlyClosed: [] });
  const rows = [...body.querySelectorAll('tr')];
  assertEqual(rows.map((r) => r.dataset.session), ['mine', 'other'], 'own first');
  assert(rows[0].classList.contains('row-own'), 'own highlighted');
  assertEqual(rows[0].querySelector('.you').textContent, 'sessions.you', 'marked as you');
  assertEqual(rows[0].querySelector('.silence-fill').style.width, '25%', '500 of 2000 ms');
  assertEqual(rows[1].querySelector('.silence-fill').style.width, '75%', '1500 of 2000 ms');
  assertEqual(rows.map((r) => r.dataset.liveness), ['healthy', 'silent'], 'liveness');
  assertEqual(summary.textContent, 'sessions.summary {"open":2,"closed":0}', 'summary');
});

test('sessions table: closed sessions greyed with code and reason, data shown as text', () => {
  const body = document.createElement('tbody');
  const table = new SessionsTable(body, { t: T, duration: DURATION });
  table.render({
    at: '2024-01-01T00:01:00Z',
    open: [snapshot('<b>x</b>', { remoteAddress: '<img src=x onerror="window.harnessXss = true">' })],
    recentlyClosed: [{ session: snapshot('gone', { silentForMillis: 2100 }), closeCode: 4000, closeReason: 'heartbeat timeout', closedAt: '2024-01-01T00:00:57Z' }],
  });
  assertEqual(body.querySelectorAll('img, b').length, 0, 'no elements from data');
  const closed = body.querySelector('tr[data-state="closed"]');
  assertEqual(closed.dataset.closeCode, '4000', 'close code');
  assert(closed.classList.contains('row-closed'), 'greyed');
  assertEqual(closed.querySelector('.state-tag').textContent,
    'sessions.state.closedReason {"code":4000,"reason":"heartbeat timeout","ago":"3000 ms"}', 'state text');
  assertEqual(closed.querySelector('.silence-fill').style.width, '100%', 'a bar never overflows');
});

test('sessions table: a storm of sessions is cut off after the limit, own session kept', () => {
  const body = document.createElement('tbody');
  const table = new SessionsTable(body, { t: T, duration: DURATION });
  table.markOwn('mine');
  const open = Array.from({ length: MAX_OPEN_ROWS + 50 }, (_, i) => snapshot(`s${i}`));
  open.push(snapshot('mine'));
  table.render({ at: '2024-01-01T00:01:00Z', open, recentlyClosed: [] });
  assertEqual(body.querySelectorAll('tr[data-state="open"]').length, MAX_OPEN_ROWS, 'rows');
  assertEqual(body.querySelector('tr').dataset.session, 'mine', 'own kept');
  assertEqual(body.querySelector('.more').textContent, 'sessions.more {"count":51}', 'the rest counted');
  assertEqual(liveness(snapshot('a', { silentForMillis: 999 })), 'healthy', 'below half the deadline');
});

test('sessions table in a cluster: a node column, other nodes\' sessions open without a liveness, a line per node', () => {
  const body = document.createElement('tbody');
  const nodes = document.createElement('p');
  const table = new SessionsTable(body, { nodes, t: T, duration: DURATION });
  const elsewhere = snapshot('theirs', { node: 'node-2', silentForMillis: null, deadlineMillis: null, rttMillis: null,
    declaredIntervalMillis: null, messagesReceived: null, heartbeatsAcked: null });
  table.render({
    at: '2024-01-01T00:01:00Z',
    open: [snapshot('mine', { node: 'node-1' }), elsewhere],
    recentlyClosed: [{ session: snapshot('lost', { node: 'node-3', silentForMillis: null, deadlineMillis: null }),
      closeCode: 1006, closeReason: 'node node-3 lost: its lease ran out', closedAt: '2024-01-01T00:00:58Z' }],
    cluster: { node: 'node-1', redisReachable: true, nodes: [
      { id: 'node-1', address: '127.0.0.1:8080', sessions: 1, leaseExpiresAt: '2024-01-01T00:01:04.500Z' },
      { id: 'node-2', address: '127.0.0.1:8081', sessions: 1, leaseExpiresAt: '2024-01-01T00:01:03Z' }] },
  });
  const rows = [...body.querySelectorAll('tr')];
  assertEqual(rows.map((r) => r.dataset.node), ['node-1', 'node-2', 'node-3'], 'each row names its node');
  assertEqual(rows.map((r) => r.children.length), [9, 9, 9], 'a node column');
  assertEqual(rows[1].dataset.liveness, 'elsewhere', 'judged by its own node only');
  assertEqual(rows[1].querySelector('.silence').textContent, 'none', 'no silence known');
  assertEqual(rows[1].querySelector('.state-tag').textContent, 'sessions.state.elsewhere', 'shown as open');
  assertEqual([...nodes.querySelectorAll('.cluster-node')].map((n) => n.textContent), [
    'sessions.node {"node":"node-1","sessions":1,"lease":"unit.s {\\"value\\":4.5}"}',
    'sessions.node {"node":"node-2","sessions":1,"lease":"unit.s {\\"value\\":3}"}'], 'a line per node');

  table.render({ at: '2024-01-01T00:01:00Z', open: [snapshot('mine', { node: 'node-1' })], recentlyClosed: [],
    cluster: { node: 'node-1', redisReachable: false, nodes: [{ id: 'node-1', address: 'a', sessions: 1, leaseExpiresAt: null }] } });
  assertEqual(nodes.querySelector('.cluster-unavailable').textContent, 'sessions.nodeUnavailable {"node":"node-1"}',
    'says why only its own show');
});

test('sessions table on a server of its own: no node column, no line per node', () => {
  const body = document.createElement('tbody');
  const nodes = document.createElement('p');
  const table = new SessionsTable(body, { nodes, t: T, duration: DURATION });
  table.render({ at: '2024-01-01T00:01:00Z', open: [snapshot('mine')], recentlyClosed: [] });
  assertEqual(body.querySelector('tr').children.length, 8, 'the eight columns');
  assertEqual(nodes.childElementCount, 0, 'no nodes');
});

test('addresses as people write them: IPv6 shortened and bracketed, IPv4 unchanged', () => {
  assertEqual(formatAddress('0:0:0:0:0:0:0:1:5000'), '[::1]:5000', 'loopback');
  assertEqual(formatAddress('fe80:0:0:0:1:0:0:2:99'), '[fe80::1:0:0:2]:99', 'the longest zero run');
  assertEqual(formatAddress('127.0.0.1:8080'), '127.0.0.1:8080', 'IPv4');
  assertEqual(formatAddress(null), null, 'none');
});

/** An EventSource class whose instances land in sources, and that the test drives. */
function fakeEventSource(sources) {
  return class FakeEventSource extends EventTarget {
    static CLOSED = 2;
    constructor(url) { super(); this.url = url; this.readyState = 0; this.closed = false; sources.push(this); }
    close() { this.closed = true; this.readyState = 2; }
    push(view) { this.dispatchEvent(Object.assign(new Event('sessions'), { data: JSON.stringify(view) })); }
    fail(readyState) { this.readyState = readyState; this.dispatchEvent(new Event('error')); }
  };
}

test('sessions stream: live views shown; a stream the server refused is retried later, once; close ends it', () => {
  const clock = new FakeClock();
  const sources = [];
  const FakeEventSource = fakeEventSource(sources);
  const statuses = [];
  const views = [];
  const watch = watchSessions('/api/sessions/stream', {
    onView: (view) => views.push(view), onStatus: (status) => statuses.push(status), retryDelay: 5000,
    EventSource: FakeEventSource, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
  });
  sources[0].push({ open: [], recentlyClosed: [] });
  assertEqual(views.length, 1, 'view delivered');
  sources[0].fail(0); // a network error: EventSource reconnects by itself
  assertEqual(clock.pending, 0, 'no timer of ours for that');
  sources[0].fail(FakeEventSource.CLOSED); // refused: EventSource gave up
  sources[0].fail(FakeEventSource.CLOSED);
  assertEqual(clock.pending, 1, 'one retry timer');
  clock.advance(5000);
  assertEqual(sources.length, 2, 'a new EventSource after the delay');
  sources[1].fail(FakeEventSource.CLOSED);
  watch.close();
  assertEqual(clock.pending, 0, 'close clears the retry timer');
  assert(sources[1].closed, 'and closes the source');
  assertEqual(statuses, ['connecting', 'live', 'connecting', 'stopped', 'stopped', 'connecting', 'stopped', 'stopped'], 'statuses');
});

test('sessions stream: stopped while the page is hidden, watched again when it comes back from the cache', () => {
  const clock = new FakeClock();
  const sources = [];
  const statuses = [];
  const watch = watchSessions('/api/sessions/stream', {
    onView: () => {}, onStatus: (status) => statuses.push(status), EventSource: fakeEventSource(sources),
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
  });
  const transition = (type) => window.dispatchEvent(new PageTransitionEvent(type, { persisted: true }));
  transition('pagehide');
  assert(sources[0].closed, 'hidden: the source is closed, freeing the server\'s slot');
  transition('pageshow');
  assertEqual(sources.length, 2, 'shown from the cache: a new source');
  transition('pageshow');
  assertEqual(sources.length, 2, 'not a second one while the first is open');
  watch.close();
  transition('pageshow');
  assertEqual(sources.length, 2, 'nothing after close');
  assertEqual(statuses, ['connecting', 'stopped', 'connecting', 'stopped'], 'statuses');
});

test('storm chart: one bar per non-empty bucket, the largest marked, on the scale it is given', () => {
  const node = svg(400, 200);
  renderStormChart(node, { reconnectsPerBucket: [0, 3, 10, 2], bucketMillis: 100 },
    { buckets: 50, highest: 100, labels: { seconds: (s) => `${s} s`, count: String, bucket: (from, n) => `${from}: ${n}` } });
  const bars = [...node.querySelectorAll('rect.storm-bar')];
  assertEqual(bars.map((b) => b.dataset.count), ['3', '10', '2'], 'bars');
  assertEqual(node.querySelectorAll('.storm-bar-largest').length, 1, 'largest');
  assertEqual(node.dataset.total, '15', 'total');
  const tallest = Math.max(...bars.map((b) => Number(b.getAttribute('height'))));
  assert(tallest < 40, `10 of a shared 100 is a short bar (${tallest})`);
  node.remove();
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
