/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * the n-th delay is a uniformly random value in [0, min(maxDelay, initialDelay x multiplier^n)).
 *
 * Full jitter spreads the reconnects of many pages that lost the same server at the same moment,
 * so a restarted server is not hit by all of them in the same millisecond.
 */
export class Backoff {
  #initialDelay;
  #maxDelay;
  #multiplier;
  #random;
  #attempts = 0;

  /**
   * @param {{initialDelay: number, maxDelay: number, multiplier: number, random?: () => number}} options
   *   delays in milliseconds; random returns a value in [0, 1) and is replaced in tests
   */
  constructor({ initialDelay, maxDelay, multiplier, random = Math.random }) {
    this.#initialDelay = initialDelay;
    this.#maxDelay = maxDelay;
    this.#multiplier = multiplier;
    this.#random = random;
  }

  /** How many delays were handed out since the last reset: the number of the attempt just scheduled. */
  get attempts() {
    return this.#attempts;
  }

  /** The cap of the next delay, for display and tests. */
  get nextCap() {
    return Math.min(this.#maxDelay, this.#initialDelay * this.#multiplier ** this.#attempts);
  }

  /**
   * The next delay in milliseconds; every call counts as one attempt.
   * @param {number} [window] draw from [0, window) instead of the backoff's own cap: a server
   *   that drains its sessions says how long to spread the reconnect over (1012, see protocol.md)
   */
  duration(window = undefined) {
    const cap = window ?? this.nextCap;
    this.#attempts += 1;
    return Math.floor(this.#random() * cap);
  }

  /** Called once a connection has proved healthy, so the next outage starts with short delays again. */
  reset() {
    this.#attempts = 0;
  }
}
