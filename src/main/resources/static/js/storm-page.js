import { messagesOf } from './i18n.js';
import { renderStormChart } from './storm-chart.js';

/*
 * The restart storm page: runs the storm closed all at once with full jitter, then drained over
 * the server's window (1012 with the window, each client drawing its delay from it), then with the
 * fixed 5 s delay (POST /api/demo/restart-storm), and plots the three on the same scales.
 */

const app = document.getElementById('storm-app');
const { t } = messagesOf(app);
const runUrl = app.dataset.runUrl;
const BACKOFFS = ['full-jitter', 'paced-drain', 'fixed'];

const form = document.getElementById('storm-form');
const clients = document.getElementById('storm-clients');
const run = document.getElementById('storm-run');
const status = document.getElementById('storm-status');

const results = new Map();

const labels = {
  seconds: (s) => t('unit.s', { value: s }),
  count: (n) => String(n),
  bucket: (fromMs, count) => t('storm.bucket', { from: fromMs, to: fromMs + 100, count }),
};

function panel(backoff) {
  return document.querySelector(`.storm-result[data-backoff="${backoff}"]`);
}

function showStatus(state, text) {
  status.dataset.status = state;
  status.textContent = text;
}

/** Draws every result so far on shared scales. */
function draw() {
  const shown = [...results.values()];
  const buckets = Math.max(10, ...shown.map((r) => r.reconnectsPerBucket.length));
  const highest = Math.max(1, ...shown.flatMap((r) => r.reconnectsPerBucket));
  for (const [backoff, result] of results) {
    const section = panel(backoff);
    section.dataset.state = 'done';
    section.dataset.largestShare = String(result.largestBucketShare);
    renderStormChart(section.querySelector('svg'), result, { buckets, highest, labels });
    const largest = Math.max(0, ...result.reconnectsPerBucket);
    section.querySelector('.storm-summary').textContent = t('storm.summary', {
      reconnected: result.reconnected,
      clients: result.clients,
      failed: result.failed,
      largest,
      share: Math.round(result.largestBucketShare * 100),
      spread: result.reconnectsPerBucket.length * result.bucketMillis,
    });
  }
}

async function runOne(backoff, count) {
  const url = new URL(runUrl, window.location.href);
  url.searchParams.set('clients', String(count));
  url.searchParams.set('backoff', backoff);
  const response = await fetch(url, { method: 'POST', headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const key = { 403: 'storm.refused', 409: 'storm.busy' }[response.status] ?? 'storm.failed';
    throw new Error(t(key, { status: response.status, message: body.error ?? '' }));
  }
  return body;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const count = Number(clients.value);
  run.disabled = true;
  clients.disabled = true;
  results.clear();
  for (const backoff of BACKOFFS) {
    const section = panel(backoff);
    section.dataset.state = 'waiting';
    section.querySelector('.storm-summary').textContent = '';
  }
  try {
    for (const backoff of BACKOFFS) {
      panel(backoff).dataset.state = 'running';
      showStatus('running', t(`storm.running.${backoff}`, { clients: count }));
      results.set(backoff, await runOne(backoff, count));
      draw();
    }
    showStatus('done', t('storm.done', { clients: count }));
  } catch (error) {
    for (const backoff of BACKOFFS) {
      if (!results.has(backoff)) {
        panel(backoff).dataset.state = 'failed';
      }
    }
    showStatus('failed', error.message);
  } finally {
    run.disabled = false;
    clients.disabled = false;
  }
});

// Redraw on resize: the charts are sized from their boxes.
new ResizeObserver(() => {
  if (results.size > 0) {
    draw();
  }
}).observe(document.querySelector('.storm-columns'));
