import { clientId } from './client-id.js';
import { DemoClient, Fault } from './demo-client.js';
import { CloseCode, State, socketUrl } from './heartbeat-client.js';
import { messagesOf } from './i18n.js';
import { LogView } from './log-view.js';
import { OwnPresence } from './own-presence.js';
import { PresenceList, watchPresence } from './presence-view.js';
import { RttChart } from './rtt-chart.js';
import { SessionsTable, watchSessions } from './sessions-view.js';

/*
 * Wiring: reads the server's timings and the translated text from the page's data attributes,
 * turns the client's events into log lines and the badge, and turns the reader's clicks and the
 * browser's online/visibility events into calls on the client.
 */

const app = document.getElementById('app');
const i18n = messagesOf(app);

/** The translated text for key, with {name} placeholders filled in. Shown with textContent only. */
export const { t, duration } = i18n;

function closeMeaning(code) {
  return i18n.has(`close.${code}`) ? t(`close.${code}`) : t('close.other');
}

const number = (name) => Number(app.dataset[name]);

const reconnect = {
  initialDelay: number('reconnectInitialDelay'),
  maxDelay: number('reconnectMaxDelay'),
  multiplier: number('reconnectMultiplier'),
};

// This browser's id, the same in all its tabs: the server files them, and their reconnects, under
// one presence key. Sent whether presence is on or not; a server without presence ignores it.
const ownClientId = clientId();

// The heartbeat client with the demo's pause and fault controls on top (demo-client.js).
export const client = new DemoClient(socketUrl(window.location), {
  clientId: ownClientId,
  timings: {
    interval: number('interval'),
    ackTimeout: number('ackTimeout'),
    serverTimeout: number('serverTimeout'),
    slowRtt: number('slowRtt'),
    slowInterval: number('slowInterval'),
    maxInterval: number('maxInterval'),
  },
  reconnect,
});

export const log = new LogView(document.getElementById('log'));

const elements = {
  badge: document.getElementById('state'),
  badgeText: document.getElementById('state-text'),
  connect: document.getElementById('connect'),
  disconnect: document.getElementById('disconnect'),
  session: document.getElementById('session'),
  node: document.getElementById('node'), // in cluster mode only
  interval: document.getElementById('current-interval'),
  rtt: document.getElementById('rtt'),
  form: document.getElementById('message-form'),
  text: document.getElementById('message-text'),
  send: document.getElementById('send'),
  clear: document.getElementById('clear-log'),
  nextHeartbeat: document.getElementById('next-heartbeat'),
  ackDeadline: document.getElementById('ack-deadline'),
  pause: document.getElementById('fault-pause'),
  dropAcks: document.getElementById('fault-drop-acks'),
  delayForm: document.getElementById('fault-delay-form'),
  delayMs: document.getElementById('fault-delay-ms'),
  delay: document.getElementById('fault-delay'),
  delayOff: document.getElementById('fault-delay-off'),
  dropConnection: document.getElementById('fault-drop-connection'),
  stopNode: document.getElementById('fault-stop-node'), // in cluster mode with the demo only
  restartNode: document.getElementById('fault-restart-node'), // likewise
  faultState: document.getElementById('fault-state'),
  sessionsStatus: document.getElementById('sessions-status'),
  sessionsStatusText: document.getElementById('sessions-status-text'),
};

// Server-side faults need heartbeat.demo.faults-enabled; pausing is the page's own doing.
const faultsEnabled = app.dataset.faultsEnabled === 'true';

export const chart = new RttChart(document.getElementById('rtt-chart'), {
  threshold: client.timings.slowRtt,
  minSpanMs: Math.max(10_000, 12 * client.timings.interval),
  labels: {
    axis: t('chart.axis'),
    ms: (value) => t('unit.ms', { value }),
    ago: (ms) => t('chart.ago', { time: duration(ms) }),
    now: t('chart.now'),
    threshold: (ms) => t('chart.threshold', { value: duration(ms) }),
    interval: (ms) => t('chart.interval', { value: duration(ms) }),
    reconnect: (code) => t('chart.closed', { code }),
  },
});

export const sessions = new SessionsTable(document.getElementById('sessions-body'), {
  summary: document.getElementById('sessions-summary'),
  nodes: document.getElementById('sessions-nodes'),
  t,
  duration,
});

// --- The badge and the buttons ---------------------------------------------------------------

// Counts down the seconds to the next reconnect; runs only while reconnecting.
let countdownTimer = null;

function stopCountdown() {
  if (countdownTimer !== null) {
    clearTimeout(countdownTimer);
    countdownTimer = null;
  }
}

function renderBadge() {
  stopCountdown();
  const { state } = client;
  elements.badge.dataset.state = state;
  let text;
  if (state === State.RECONNECTING && client.reconnectAt !== null) {
    const left = Math.max(0, client.reconnectAt - Date.now());
    elements.badge.dataset.attempt = String(client.attempt);
    text = t('state.reconnecting', { seconds: Math.ceil(left / 1000), attempt: client.attempt });
    // Wake up when the whole number of seconds changes, not more often: the badge is a live region.
    if (left > 0) {
      countdownTimer = setTimeout(renderBadge, (left % 1000) + 1);
    }
  } else {
    delete elements.badge.dataset.attempt;
    text = t(`state.${state}`);
  }
  if (elements.badgeText.textContent !== text) {
    elements.badgeText.textContent = text;
  }
}

function renderControls() {
  const { state } = client;
  const open = state === State.OPEN;
  elements.connect.disabled = state === State.CONNECTING || open;
  elements.disconnect.disabled = state === State.DISCONNECTED;
  elements.text.disabled = !open;
  elements.send.disabled = !open;
  for (const control of [elements.dropAcks, elements.delayMs, elements.delay, elements.delayOff, elements.dropConnection]) {
    control.disabled = !open || !faultsEnabled;
  }
  for (const control of [elements.stopNode, elements.restartNode]) {
    if (control !== null) {
      control.disabled = !open;
    }
  }
  renderPause();
  if (state !== State.OPEN) {
    elements.session.textContent = t('none');
    elements.rtt.textContent = t('none');
    if (elements.node !== null) {
      elements.node.textContent = t('none');
    }
  }
}

function renderPause() {
  const paused = client.paused && client.state === State.OPEN;
  elements.pause.disabled = client.state !== State.OPEN;
  elements.pause.setAttribute('aria-pressed', String(paused));
  elements.pause.textContent = t(paused ? 'fault.resume' : 'fault.pause');
}

function renderFaultState(fault, delay = null) {
  elements.faultState.dataset.fault = fault;
  elements.faultState.textContent = t(`fault.state.${fault}`, { delay: delay === null ? '' : duration(delay) });
}

// --- Countdowns: the next heartbeat and the ack deadline --------------------------------------

// Ticks every 100 ms from Connect to Disconnect. While the client is reconnecting the countdowns
// show nothing, but the chart keeps sliding, so the gap in the round trips is there to see.
const TICK_MS = 100;
let tickTimer = null;
let lastChartRender = 0;

function secondsLeft(at) {
  return t('unit.s', { value: (Math.max(0, at - Date.now()) / 1000).toFixed(1) });
}

function renderCountdowns() {
  const { nextHeartbeatAt, ackDeadline } = client;
  let next;
  if (client.state !== State.OPEN) {
    next = t('none');
  } else if (client.paused) {
    next = t('countdown.paused');
  } else if (nextHeartbeatAt !== null) {
    next = secondsLeft(nextHeartbeatAt);
  } else {
    next = ackDeadline !== null ? t('countdown.afterAck') : t('none');
  }
  elements.nextHeartbeat.textContent = next;
  elements.ackDeadline.textContent = ackDeadline !== null ? secondsLeft(ackDeadline) : t('none');
  elements.ackDeadline.dataset.pending = String(ackDeadline !== null);
}

function tick() {
  tickTimer = null;
  renderCountdowns();
  // The chart slides once a second, so old points leave on the left while the page is quiet.
  if (Date.now() - lastChartRender >= 1000) {
    renderChart();
  }
  if (client.state !== State.DISCONNECTED) {
    tickTimer = setTimeout(tick, TICK_MS);
  }
}

function startTicking() {
  if (tickTimer === null) {
    tickTimer = setTimeout(tick, TICK_MS);
  }
}

function stopTicking() {
  if (tickTimer !== null) {
    clearTimeout(tickTimer);
    tickTimer = null;
  }
}

function renderChart() {
  lastChartRender = Date.now();
  chart.render();
}

function renderTimings(timings) {
  const show = (id, ms) => { document.getElementById(id).textContent = duration(ms); };
  show('timing-interval', timings.interval);
  show('timing-ack-timeout', timings.ackTimeout);
  show('timing-server-timeout', timings.serverTimeout);
  show('timing-slow-rtt', timings.slowRtt);
  show('timing-slow-interval', timings.slowInterval);
  document.getElementById('timing-reconnect').textContent = t('timings.reconnect', {
    initial: duration(reconnect.initialDelay),
    max: duration(reconnect.maxDelay),
    multiplier: reconnect.multiplier,
  });
  elements.interval.textContent = duration(client.interval);
}

// --- The client's events, as log lines --------------------------------------------------------

function on(type, listener) {
  client.addEventListener(type, (event) => listener(event.detail));
}

on('statechange', ({ state }) => {
  renderBadge();
  renderControls();
  if (state === State.DISCONNECTED) {
    stopTicking();
  } else {
    startTicking();
  }
  renderCountdowns();
});

on('connecting', ({ url, attempt }) => {
  const key = attempt > 0 ? 'log.connectingAttempt' : 'log.connecting';
  log.append('connecting', t(key, { url, attempt }), { data: { attempt } });
});

on('open', () => log.append('open', t('log.open'), { level: 'ok' }));

// The node of the last welcome, so that a reconnect that lands on another node says so.
let lastNode = null;

on('welcome', ({ sessionId, node, timings }) => {
  elements.session.textContent = sessionId ?? t('none');
  if (elements.node !== null) {
    elements.node.textContent = node ?? t('none');
  }
  renderTimings(timings);
  chart.threshold = timings.slowRtt;
  renderChart();
  // Faults are per session: a new session is served normally.
  renderFaultState(Fault.NONE);
  if (sessionId !== null) {
    sessions.markOwn(sessionId);
  }
  log.append('welcome', t('log.welcome', {
    sessionId: sessionId ?? t('none'),
    interval: duration(timings.interval),
    ackTimeout: duration(timings.ackTimeout),
    serverTimeout: duration(timings.serverTimeout),
  }), { data: { session: sessionId ?? '' } });
  if (node != null && lastNode !== null && node !== lastNode) {
    log.append('node-changed', t('log.nodeChanged', { node, previous: lastNode }), { level: 'warn', data: { node } });
  }
  lastNode = node ?? null;
});

on('heartbeat', ({ interval }) => {
  log.append('heartbeat', t('log.heartbeat', { interval: duration(interval) }), { level: 'quiet', data: { interval } });
});

on('ack', ({ rtt }) => {
  elements.rtt.textContent = t('unit.ms', { value: rtt });
  chart.addAck(Date.now(), rtt);
  renderChart();
  renderCountdowns();
  log.append('ack', t('log.ack', { rtt }), { level: 'ok', data: { rtt } });
});

on('intervalchange', ({ from, to, rtt, slowRtt, slow }) => {
  elements.interval.textContent = duration(to);
  chart.markInterval(Date.now(), to, slow);
  renderChart();
  const text = t(slow ? 'log.intervalSlow' : 'log.intervalFast', {
    rtt, slowRtt: duration(slowRtt), from: duration(from), to: duration(to),
  });
  log.append('interval-change', text, { level: 'warn', data: { from, to, rtt } });
});

on('acktimeout', ({ timeout }) => {
  log.append('ack-timeout', t('log.ackTimeout', { timeout: duration(timeout) }), { level: 'error' });
});

on('connecttimeout', ({ timeout }) => {
  log.append('connect-timeout', t('log.connectTimeout', { timeout: duration(timeout) }), { level: 'error' });
});

on('timerlate', ({ timer, lateBy }) => {
  log.append('timer-late', t('log.timerLate', { timer: t(`timer.${timer}`), lateBy }), { level: 'warn' });
});

on('close', ({ code, reason }) => {
  chart.markReconnect(Date.now(), code);
  renderChart();
  const key = reason ? 'log.closeReason' : 'log.close';
  const level = code === CloseCode.NORMAL ? 'info' : 'error';
  log.append('close', t(key, { code, reason, meaning: closeMeaning(code) }), { level, data: { code } });
});

on('reconnectscheduled', ({ delay, attempt, cap, window }) => {
  log.append('reconnect-scheduled', t(window ? 'log.reconnectScheduledWindow' : 'log.reconnectScheduled', { delay, attempt, cap }),
    { level: 'warn', data: { delay, attempt, cap, window } });
});

on('noreconnect', ({ code }) => log.append('no-reconnect', t('log.noReconnect'), { level: 'error', data: { code } }));

on('disconnect', ({ code }) => log.append('disconnect', t('log.disconnect'), { data: { code } }));

on('messagesent', ({ text }) => log.append('message-sent', t('log.messageSent', { text })));

on('echo', ({ text }) => log.append('echo', t('log.echo', { text }), { level: 'ok' }));

on('servererror', ({ code, message }) => {
  const text = code === 'faults-disabled' ? t('log.faultsDisabled', { message }) : t('log.serverError', { code, message });
  log.append('server-error', text, { level: 'error', data: { code } });
});

on('paused', () => {
  renderPause();
  renderCountdowns();
  log.append('paused', t('log.paused', { deadline: duration(client.serverDeadline) }), { level: 'warn' });
});

on('resumed', ({ byReconnect }) => {
  renderPause();
  log.append('resumed', t(byReconnect ? 'log.resumedByReconnect' : 'log.resumed'), { data: { byReconnect } });
});

on('simulaterequested', ({ fault, delay }) => {
  log.append('fault-requested', t(`log.fault.${fault}`, { delay: delay === null ? '' : duration(delay) }),
    { level: 'warn', data: { fault } });
});

on('simulated', ({ fault, delay }) => {
  renderFaultState(fault, delay);
  log.append('fault-confirmed', t('log.simulated', { state: t(`fault.state.${fault}`, { delay: delay === null ? '' : duration(delay) }) }),
    { data: { fault } });
});

on('socketerror', () => log.append('socket-error', t('log.socketError'), { level: 'error' }));

on('unreadable', () => log.append('unreadable', t('log.unreadable'), { level: 'warn' }));

// --- The reader and the browser -----------------------------------------------------------------

elements.connect.addEventListener('click', () => client.connect());
elements.disconnect.addEventListener('click', () => client.disconnect());

elements.pause.addEventListener('click', () => {
  if (client.paused) {
    client.resume();
  } else {
    client.pause();
  }
});

elements.dropAcks.addEventListener('click', () => client.simulate(Fault.DROP_ACKS));

elements.delayForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (elements.delayForm.reportValidity()) {
    client.simulate(Fault.DELAY_ACKS, Math.round(Number(elements.delayMs.value)));
  }
});

elements.delayOff.addEventListener('click', () => client.simulate(Fault.NONE));

elements.dropConnection.addEventListener('click', () => client.simulate(Fault.DROP_CONNECTION));

elements.stopNode?.addEventListener('click', () => client.simulate(Fault.STOP_NODE));
elements.restartNode?.addEventListener('click', () => client.simulate(Fault.RESTART_NODE));

elements.clear.addEventListener('click', () => {
  log.clear();
  log.append('cleared', t('log.cleared'), { level: 'quiet' });
});

elements.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = elements.text.value.trim();
  if (text !== '' && client.send(text)) {
    elements.text.value = '';
  }
});

window.addEventListener('offline', () => log.append('offline', t('log.offline'), { level: 'warn' }));

window.addEventListener('online', () => {
  log.append('online', t('log.online'));
  client.networkOnline();
});

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') {
    log.append('hidden', t('log.hidden'), { level: 'quiet' });
  } else {
    log.append('visible', t('log.visible'), { level: 'quiet' });
    client.pageVisible();
  }
});

// --- The server's view ------------------------------------------------------------------------

// Absent where the server's view is off (heartbeat.view.enabled=false): the page says so instead.
const sessionsView = document.getElementById('sessions-view');
if (sessionsView !== null) {
  watchSessions(sessionsView.dataset.stream, {
    onView: (view) => sessions.render(view),
    onStatus: (status) => {
      elements.sessionsStatus.dataset.status = status;
      elements.sessionsStatusText.textContent = t(`sessions.status.${status}`);
    },
  });
}

// --- Presence ----------------------------------------------------------------------------------

// Absent where presence is off (heartbeat.presence.enabled=false, the product's default): then
// the page shows none of it and asks nothing of /api/presence.
const presenceView = document.getElementById('presence-view');
if (presenceView !== null) {
  const ownKey = `client:${ownClientId}`;
  const presence = new PresenceList(document.getElementById('presence-body'), {
    summary: document.getElementById('presence-counts'),
    t,
    keepOffline: Number(presenceView.dataset.keepOffline),
  });
  presence.markOwn(ownKey);
  const ownPresence = new OwnPresence(document.getElementById('own-presence'), {
    key: ownKey,
    url: presenceView.dataset.keyUrl,
    t,
    onRecord: (record) => presence.update(record),
  });
  const status = document.getElementById('presence-status');
  const statusText = document.getElementById('presence-status-text');
  watchPresence(presenceView.dataset.stream, {
    onPage: (page) => {
      presence.load(page);
      ownPresence.fromPage(page);
    },
    onTransition: (transition) => {
      presence.apply(transition);
      ownPresence.onTransition(transition);
    },
    onStatus: (state) => {
      status.dataset.status = state;
      statusText.textContent = t(`sessions.status.${state}`);
    },
  });
  // Offline keys leave the list when the server forgets them; the stream does not say so.
  setInterval(() => presence.forgetExpired(), 1000);
  // Each session of this tab that opens or closes changes how many tabs the key has, which no
  // transition says when another tab keeps it online. At close the client still names the session.
  on('welcome', ({ sessionId }) => ownPresence.sessionChanged(sessionId, true));
  on('close', () => ownPresence.sessionChanged(client.sessionId, false));
  on('disconnect', () => ownPresence.sessionChanged(client.sessionId, false));
  window.addEventListener('pagehide', () => ownPresence.leaving(client.sessionId));
}

new ResizeObserver(() => renderChart()).observe(document.getElementById('rtt-chart'));

renderBadge();
renderControls();
renderTimings(client.timings);
renderCountdowns();
renderChart();
client.connect();
