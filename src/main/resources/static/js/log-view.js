/**
 * The page's event log: a list that keeps the newest entries, follows the newest one unless the
 * reader has scrolled up to read older ones, and can be cleared.
 *
 * Entries are built with createElement and textContent only: a server's echo of
 * `<img src=x onerror=...>` is shown as those characters and never parsed as HTML.
 */

const STICKY_SLACK_PX = 24;

/** HH:mm:ss.SSS in local time. */
export function formatTime(date) {
  const pad = (value, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export class LogView {
  #list;
  #maxEntries;
  #now;

  /**
   * @param {HTMLElement} list an <ol> that scrolls itself (overflow-y: auto)
   * @param {{maxEntries?: number, now?: () => Date}} [options]
   */
  constructor(list, { maxEntries = 500, now = () => new Date() } = {}) {
    this.#list = list;
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  get size() {
    return this.#list.childElementCount;
  }

  /**
   * Appends one entry.
   * @param {string} event a stable name (data-event), for styling and tests
   * @param {string} text what the reader sees; set as text, never as HTML
   * @param {{level?: 'info'|'ok'|'warn'|'error', data?: Object<string, string|number>}} [options]
   */
  append(event, text, { level = 'info', data = {} } = {}) {
    const scroller = this.#list;
    const following = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= STICKY_SLACK_PX;

    const time = document.createElement('time');
    const now = this.#now();
    time.dateTime = now.toISOString();
    time.textContent = formatTime(now);

    const message = document.createElement('span');
    message.className = 'log-text';
    message.textContent = text;

    const entry = document.createElement('li');
    entry.className = `log-entry log-${level}`;
    entry.dataset.event = event;
    for (const [key, value] of Object.entries(data)) {
      entry.dataset[key] = String(value);
    }
    entry.append(time, message);
    this.#list.append(entry);

    while (this.#list.childElementCount > this.#maxEntries) {
      this.#list.firstElementChild.remove();
    }
    if (following) {
      scroller.scrollTop = scroller.scrollHeight;
    }
    return entry;
  }

  clear() {
    this.#list.replaceChildren();
  }
}
