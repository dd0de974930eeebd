import { messagesOf } from './i18n.js';
import { SessionsTable, watchSessions } from './sessions-view.js';

/* The /sessions page: the server's view of every session, live. */

const app = document.getElementById('sessions-app');
const { t, duration } = messagesOf(app);

const table = new SessionsTable(document.getElementById('sessions-body'), {
  summary: document.getElementById('sessions-summary'),
  nodes: document.getElementById('sessions-nodes'),
  t,
  duration,
});

const status = document.getElementById('sessions-status');
const statusText = document.getElementById('sessions-status-text');

// Absent where the server's view is off (heartbeat.view.enabled=false): the page says so instead.
const sessionsView = document.getElementById('sessions-view');
if (sessionsView !== null) {
  watchSessions(sessionsView.dataset.stream, {
    onView: (view) => table.render(view),
    onStatus: (state) => {
      status.dataset.status = state;
      statusText.textContent = t(`sessions.status.${state}`);
    },
  });
}
