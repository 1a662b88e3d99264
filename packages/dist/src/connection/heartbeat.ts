// Net ticks (Erlang's dist_util ticker): tick an idle connection every tickTime/4, and
// declare the peer down once it has sent nothing for four intervals in a row.

/** Where the heartbeat arms its timer; the runtime's `Clock` fits. */
export interface HeartbeatClock {
  setTimer(delayMs: number, fire: () => void): unknown;
  cancelTimer(timer: unknown): void;
}

/** Options of a {@link Heartbeat}. */
export interface HeartbeatOptions {
  readonly clock: HeartbeatClock;
  /** Erlang's `net_ticktime`: a peer silent this long is down. */
  readonly tickTimeMs: number;
  /** Bytes received so far on the connection (any bytes count as a sign of life). */
  readonly bytesRead: () => number;
  /** Bytes written so far on the connection (any write makes a tick unnecessary). */
  readonly bytesWritten: () => number;
  /** Queues a tick frame; returns the bytes it will write. */
  readonly tick: () => number;
  /** The peer has been silent for the whole budget. */
  readonly timeout: () => void;
}

/** Intervals without input after which the peer is down (Erlang's rule: four ticks). */
export const SILENT_INTERVALS = 4;

/**
 * Checks the connection every `tickTimeMs / 4`: when nothing was written since the last
 * check it sends a tick; when nothing was read for {@link SILENT_INTERVALS} checks in a
 * row it calls `timeout`. A dead peer is therefore detected between ¾ and 1 tick time
 * after its last byte (Erlang documents T ± T/4 for the same scheme). Counting bytes, not
 * frames, keeps a connection alive while a large message is streaming in.
 */
export class Heartbeat {
  readonly #options: HeartbeatOptions;
  readonly #intervalMs: number;
  #timer: unknown;
  #running = false;
  #lastRead = 0;
  #lastWritten = 0;
  #silent = 0;

  constructor(options: HeartbeatOptions) {
    const { tickTimeMs } = options;
    if (!Number.isFinite(tickTimeMs) || tickTimeMs < 4) {
      throw new TypeError(`Heartbeat: tickTimeMs must be a number of at least 4 (ms), got ${tickTimeMs}`);
    }
    this.#options = options;
    this.#intervalMs = tickTimeMs / SILENT_INTERVALS;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#lastRead = this.#options.bytesRead();
    this.#lastWritten = this.#options.bytesWritten();
    this.#arm();
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#options.clock.cancelTimer(this.#timer);
  }

  #arm(): void {
    this.#timer = this.#options.clock.setTimer(this.#intervalMs, () => this.#check());
  }

  #check(): void {
    if (!this.#running) return;
    const read = this.#options.bytesRead();
    if (read !== this.#lastRead) {
      this.#lastRead = read;
      this.#silent = 0;
    } else if (++this.#silent >= SILENT_INTERVALS) {
      this.#running = false;
      this.#options.timeout();
      return;
    }
    // Our own tick must not count as "something written" at the next check, or an idle
    // connection would tick every other interval only: expect its bytes in advance.
    const written = this.#options.bytesWritten();
    this.#lastWritten = written <= this.#lastWritten ? written + this.#options.tick() : written;
    this.#arm();
  }
}
