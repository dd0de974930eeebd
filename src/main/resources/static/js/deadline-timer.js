/**
 * The browser's own clock: timer functions looked up when called, not when imported, so a test
 * or a page that replaces window.setTimeout later is still obeyed.
 */
export const systemClock = Object.freeze({
  setTimeout: (callback, delay) => globalThis.setTimeout(callback, delay),
  clearTimeout: (id) => globalThis.clearTimeout(id),
  now: () => Date.now(),
});

/**
 * One timer and the wall-clock time it is due, kept together (as engine.io-client keeps its ping
 * timeout). A timer in a hidden tab can fire minutes late; whoever owns the timer compares the
 * clock with the deadline on every event it handles, and acts on an overdue timer at once rather
 * than whenever the browser gets round to firing it.
 *
 * The callback is fixed at construction: a timer has one purpose, and start() only says when.
 */
export class DeadlineTimer {
  #callback;
  #setTimeout;
  #clearTimeout;
  #now;
  // A flag of its own rather than "id !== null": setTimeout replaced in a test may return any id,
  // 0 included.
  #pending = false;
  #id = null;
  #deadline = 0;

  /**
   * @param {Function} callback called when the timer fires; the timer is no longer pending by then
   * @param {{setTimeout?: Function, clearTimeout?: Function, now?: () => number}} [clock]
   *   replaced in tests; defaults to systemClock
   */
  constructor(callback, {
    setTimeout = systemClock.setTimeout,
    clearTimeout = systemClock.clearTimeout,
    now = systemClock.now,
  } = {}) {
    this.#callback = callback;
    this.#setTimeout = setTimeout;
    this.#clearTimeout = clearTimeout;
    this.#now = now;
  }

  /** True from start() until the timer fires or is cancelled. */
  get pending() {
    return this.#pending;
  }

  /** When the timer is due (epoch ms), or null when it is not pending. */
  get deadline() {
    return this.#pending ? this.#deadline : null;
  }

  /**
   * Fire after delay ms, replacing any pending run.
   *
   * @param {number} delay ms
   * @param {number} [from] the time the delay counts from, for a caller that has just read the
   *   clock and reports the same instant elsewhere (a heartbeat's timestamp and its ack deadline)
   */
  start(delay, from = this.#now()) {
    this.cancel();
    this.#deadline = from + delay;
    this.#pending = true;
    this.#id = this.#setTimeout(() => {
      this.#pending = false;
      this.#id = null;
      this.#callback();
    }, delay);
  }

  /** Stop the timer if it is pending; does nothing otherwise. */
  cancel() {
    if (this.#pending) {
      this.#clearTimeout(this.#id);
      this.#pending = false;
      this.#id = null;
    }
  }

  /** True when the timer is pending although its deadline has passed: it is late. */
  isOverdue(now = this.#now()) {
    return this.#pending && now >= this.#deadline;
  }
}
