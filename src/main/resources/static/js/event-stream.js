/**
 * Watches a server-sent event stream of JSON events, as the server's view and presence both do.
 * EventSource reconnects by itself after a network error, but gives up for good when the server
 * answers with an error status (503 while it starts or stops, or when too many pages watch);
 * then this opens a new one after retryDelay, so a panel is never left frozen. The status
 * callback tells the page whether the stream is live.
 *
 * @param {string} url the stream's URL
 * @param {object} options
 * @param {Object<string, (data: object) => void>} options.on a handler per event name, given the
 *   event's JSON; an event whose data is not JSON is skipped
 * @param {string} options.liveOn the event that says the stream is live
 * @param {string[]} [options.reopenOn] events on which the stream is opened again at once (its
 *   first event then starts the page afresh)
 * @param {(status: 'live'|'connecting'|'stopped') => void} options.onStatus
 * @param {number} [options.retryDelay] ms before a new EventSource after the old one gave up
 * @returns {{close: () => void}} close() ends the watch and its retry timer
 */
export function watchEventStream(url, {
  on,
  liveOn,
  reopenOn = [],
  onStatus,
  retryDelay = 5000,
  EventSource = globalThis.EventSource,
  setTimeout = (callback, delay) => globalThis.setTimeout(callback, delay),
  clearTimeout = (id) => globalThis.clearTimeout(id),
}) {
  let source = null;
  let retryTimer = null;
  let closed = false;

  function open() {
    retryTimer = null;
    if (closed) {
      return;
    }
    onStatus('connecting');
    const current = new EventSource(url);
    source = current;
    for (const [name, handler] of Object.entries(on)) {
      current.addEventListener(name, (event) => {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        if (name === liveOn) {
          onStatus('live');
        }
        handler(data);
      });
    }
    for (const name of reopenOn) {
      current.addEventListener(name, () => {
        if (current === source) {
          current.close();
          open();
        }
      });
    }
    current.addEventListener('error', () => {
      if (current !== source) {
        return; // a source this watch already stopped
      }
      if (current.readyState !== EventSource.CLOSED) {
        onStatus('connecting'); // EventSource retries by itself
        return;
      }
      onStatus('stopped');
      if (!closed && retryTimer === null) {
        retryTimer = setTimeout(open, retryDelay);
      }
    });
  }

  function stop() {
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    source?.close();
    source = null;
    onStatus('stopped');
  }

  // Leaving the page frees the server's watcher slot at once rather than at the next failed
  // write. A page the browser kept in its back/forward cache watches again when it is shown.
  const onPageHide = () => stop();
  const onPageShow = (event) => {
    if (event.persisted && source === null) {
      open();
    }
  };
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);

  open();
  return {
    close() {
      closed = true;
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      stop();
    },
  };
}
