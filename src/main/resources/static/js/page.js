import { CloseCode, HeartbeatClient, State, socketUrl } from './heartbeat-client.js';
import { LogView } from './log-view.js';

/*
 * Wiring: reads the server's timings and the translated text from the page's data attributes,
 * turns the client's events into log lines and the badge, and turns the reader's clicks and the
 * browser's online/visibility events into calls on the client.
 */

const app = document.getElementById('app');
const messages = JSON.parse(app.dataset.messages);

/** The translated text for key, with {name} placeholders filled in. Shown with textContent only. */
export function t(key, params = {}) {
  const template = messages[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (placeholder, name) => (name in params ? String(params[name]) : placeholder));
}

function duration(ms) {
  return ms >= 1000 && ms % 100 === 0 ? t('unit.s', { value: ms / 1000 }) : t('unit.ms', { value: ms });
}

function closeMeaning(code) {
  return messages[`close.${code}`] ?? messages['close.other'] ?? '';
}

const number = (name) => Number(app.dataset[name]);

const reconnect = {
  initialDelay: number('reconnectInitialDelay'),
  maxDelay: number('reconnectMaxDelay'),
  multiplier: number('reconnectMultiplier'),
};

export const client = new HeartbeatClient(socketUrl(window.location), {
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
  interval: document.getElementById('current-interval'),
  rtt: document.getElementById('rtt'),
  form: document.getElementById('message-form'),
  text: document.getElementById('message-text'),
  send: document.getElementById('send'),
  clear: document.getElementById('clear-log'),
};

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
  if (state !== State.OPEN) {
    elements.session.textContent = t('none');
    elements.rtt.textContent = t('none');
  }
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

on('statechange', () => {
  renderBadge();
  renderControls();
});

on('connecting', ({ url, attempt }) => {
  const key = attempt > 0 ? 'log.connectingAttempt' : 'log.connecting';
  log.append('connecting', t(key, { url, attempt }), { data: { attempt } });
});

on('open', () => log.append('open', t('log.open'), { level: 'ok' }));

on('welcome', ({ sessionId, timings }) => {
  elements.session.textContent = sessionId ?? t('none');
  renderTimings(timings);
  log.append('welcome', t('log.welcome', {
    sessionId: sessionId ?? t('none'),
    interval: duration(timings.interval),
    ackTimeout: duration(timings.ackTimeout),
    serverTimeout: duration(timings.serverTimeout),
  }), { data: { session: sessionId ?? '' } });
});

on('heartbeat', ({ interval }) => {
  log.append('heartbeat', t('log.heartbeat', { interval: duration(interval) }), { level: 'quiet', data: { interval } });
});

on('ack', ({ rtt }) => {
  elements.rtt.textContent = t('unit.ms', { value: rtt });
  log.append('ack', t('log.ack', { rtt }), { level: 'ok', data: { rtt } });
});

on('intervalchange', ({ from, to, rtt, slowRtt, slow }) => {
  elements.interval.textContent = duration(to);
  const text = t(slow ? 'log.intervalSlow' : 'log.intervalFast', {
    rtt, slowRtt: duration(slowRtt), from: duration(from), to: duration(to),
  });
  log.append('interval-change', text, { level: 'warn', data: { from, to, rtt } });
});

on('acktimeout', ({ timeout }) => {
  log.append('ack-timeout', t('log.ackTimeout', { timeout: duration(timeout) }), { level: 'error' });
});

on('timerlate', ({ timer, lateBy }) => {
  log.append('timer-late', t('log.timerLate', { timer: t(`timer.${timer}`), lateBy }), { level: 'warn' });
});

on('close', ({ code, reason }) => {
  const key = reason ? 'log.closeReason' : 'log.close';
  const level = code === CloseCode.NORMAL ? 'info' : 'error';
  log.append('close', t(key, { code, reason, meaning: closeMeaning(code) }), { level, data: { code } });
});

on('reconnectscheduled', ({ delay, attempt, cap }) => {
  log.append('reconnect-scheduled', t('log.reconnectScheduled', { delay, attempt, cap }),
    { level: 'warn', data: { delay, attempt, cap } });
});

on('noreconnect', ({ code }) => log.append('no-reconnect', t('log.noReconnect'), { level: 'error', data: { code } }));

on('disconnect', ({ code }) => log.append('disconnect', t('log.disconnect'), { data: { code } }));

on('messagesent', ({ text }) => log.append('message-sent', t('log.messageSent', { text })));

on('echo', ({ text }) => log.append('echo', t('log.echo', { text }), { level: 'ok' }));

on('servererror', ({ code, message }) => {
  log.append('server-error', t('log.serverError', { code, message }), { level: 'error', data: { code } });
});

on('socketerror', () => log.append('socket-error', t('log.socketError'), { level: 'error' }));

on('unreadable', () => log.append('unreadable', t('log.unreadable'), { level: 'warn' }));

// --- The reader and the browser -----------------------------------------------------------------

elements.connect.addEventListener('click', () => client.connect());
elements.disconnect.addEventListener('click', () => client.disconnect());

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

renderBadge();
renderControls();
renderTimings(client.timings);
client.connect();
