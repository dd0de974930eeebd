import { HeartbeatClient, State } from './heartbeat-client.js';

/*
 * The demo's controls on top of the heartbeat client: go silent like a frozen tab, and ask the
 * server to misbehave towards this session. They live here rather than in heartbeat-client.js, as
 * phoenix.js keeps its debug socket outside Socket, so the file a real system copies holds the
 * heartbeat and nothing else. Built only on HeartbeatClient's extension points.
 */

/**
 * The events a DemoClient dispatches besides HeartbeatClient's (Events there): a CustomEvent
 * whose `detail` holds the facts beside its name.
 */
export const DemoEvents = Object.freeze([
  'paused',            // {}               heartbeats stopped on this connection, the socket stays open
  'resumed',           // {byReconnect}    heartbeats run again: resume(), or a new connection
  'simulaterequested', // {fault, delay}   a fault was asked of the server for this session
  'simulated',         // {fault, delay}   the server confirms the fault now in force
]);

/**
 * The faults a session may ask the server for (protocol frame "simulate"). The server refuses
 * them with an error frame unless its demo faults are switched on; STOP_NODE, which stops the
 * node the session is on as a crash would, also unless it is in cluster mode.
 */
export const Fault = Object.freeze({
  DROP_ACKS: 'drop-acks',
  DELAY_ACKS: 'delay-acks',
  DROP_CONNECTION: 'drop-connection',
  STOP_NODE: 'stop-node',
  RESTART_NODE: 'restart-node',
  NONE: 'none',
});

export class DemoClient extends HeartbeatClient {
  // From pause() until resume() or the next connection's open; still true while reconnecting, so
  // the page can say why the connection was lost until a new one beats again.
  #paused = false;

  get paused() { return this.#paused; }

  /**
   * Stop sending heartbeats on this connection but keep the socket open, like a frozen tab: the
   * server must notice the silence and close with 4000. An ack already on its way is still taken.
   * Returns false when not open or already paused.
   */
  pause() {
    if (!this.holdHeartbeats()) {
      return false;
    }
    this.#paused = true;
    this.#emit('paused', {});
    return true;
  }

  /** Beat again at once after pause(). Returns false when not open or not paused. */
  resume() {
    if (this.state !== State.OPEN || !this.#paused) {
      return false;
    }
    this.#paused = false;
    this.#emit('resumed', { byReconnect: false });
    this.releaseHeartbeats();
    return true;
  }

  /**
   * Ask the server to misbehave towards this session only: drop-acks, delay-acks (with delay ms),
   * drop-connection, or none to be served normally again; or, in cluster mode, stop-node, the
   * crash of the whole node it is on. The server confirms with "simulated",
   * or refuses with an error when its faults are off. Returns false when not open.
   */
  simulate(fault, delay) {
    const frame = { type: 'simulate', fault };
    if (fault === Fault.DELAY_ACKS) {
      frame.delay = delay;
    }
    if (!this.sendFrame(frame)) {
      return false;
    }
    this.#emit('simulaterequested', { fault, delay: frame.delay ?? null });
    return true;
  }

  /** @protected */
  handleFrame(message) {
    if (message.type !== 'simulated') {
      return super.handleFrame(message);
    }
    this.#emit('simulated', {
      fault: String(message.fault),
      delay: Number.isFinite(message.delay) ? message.delay : null,
    });
    return true;
  }

  /** @protected A pause holds for the connection it was asked on; the new one beats. */
  connectionOpened() {
    super.connectionOpened();
    if (this.#paused) {
      this.#paused = false;
      this.#emit('resumed', { byReconnect: true });
    }
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
