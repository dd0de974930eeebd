import { messagesOf } from './i18n.js';
import { SessionsTable, watchSessions } from './sessions-view.js';

/* The /sessions page: the server's view of every session, live. */

const app = document.getElementById('sessions-app');
const { t, duration } = messagesOf(app);

const table = new SessionsTable(document.getElementById('sessions-body'), {
  summary: document.getElementById('sessions-summary'),
  t,
  duration,
});

const status = document.getElementById('sessions-status');
const statusText = document.getElementById('sessions-status-text');

watchSessions(document.getElementById('sessions-view').dataset.stream, {
  onView: (view) => table.render(view),
  onStatus: (state) => {
    status.dataset.status = state;
    statusText.textContent = t(`sessions.status.${state}`);
  },
});
