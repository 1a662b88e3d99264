// Keeps this node registered with its host's port mapper: starts the embedded one when none
// answers, and registers again (with back-off) when the one in use goes away.
import type { Logger } from '@troupe/runtime';
import type { PortMapperRegistration } from '../port-mapper/epmd-client.js';
import { type PortMapper, ensurePortMapper } from '../port-mapper/port-mapper.js';
import type { HeartbeatClock } from '../connection/heartbeat.js';

/** Options of {@link PortMapperKeeper.start}. */
export interface PortMapperKeeperOptions {
  readonly node: string;
  readonly alive: string;
  readonly host: string;
  readonly port: number;
  readonly listenPort: number;
  readonly hidden: boolean;
  readonly logger: Logger;
  readonly clock: HeartbeatClock;
  readonly timeoutMs?: number;
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * This node's registration with the port mapper (Erlang's `erl_epmd:register_node`).
 * An embedded port mapper lives in the node that started it; when that node dies, every
 * other node loses its registration, and each keeper here starts over with
 * `ensurePortMapper` (the first to bind runs the new embedded one) and registers again.
 */
export class PortMapperKeeper {
  readonly #options: PortMapperKeeperOptions;
  #mapper: PortMapper | undefined;
  #registration: PortMapperRegistration | undefined;
  #closing = false;
  #retryTimer: unknown;

  private constructor(options: PortMapperKeeperOptions) {
    this.#options = options;
  }

  /**
   * Registers (starting the embedded port mapper if none answers).
   * @throws PortMapperError, e.g. `register_failed` when a live node holds the name.
   */
  static async start(options: PortMapperKeeperOptions): Promise<PortMapperKeeper> {
    const keeper = new PortMapperKeeper(options);
    await keeper.#register();
    return keeper;
  }

  /** True while this node runs the embedded port mapper. */
  get embedded(): boolean {
    return this.#mapper?.server !== undefined;
  }

  /** Unregisters, and stops the embedded port mapper if this node runs it. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#retryTimer !== undefined) this.#options.clock.cancelTimer(this.#retryTimer);
    await this.#registration?.close();
    await this.#mapper?.close();
  }

  async #register(): Promise<void> {
    const { host, port, alive, listenPort, hidden, timeoutMs } = this.#options;
    const mapper = await ensurePortMapper({ host, port, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    let registration: PortMapperRegistration;
    try {
      registration = await mapper.client.register(alive, listenPort, { hidden });
    } catch (error) {
      await mapper.close();
      throw error;
    }
    if (this.#closing) {
      await registration.close();
      await mapper.close();
      return;
    }
    this.#mapper = mapper;
    this.#registration = registration;
    void registration.closed.then(() => this.#lost(registration));
  }

  #lost(registration: PortMapperRegistration): void {
    if (this.#closing || registration !== this.#registration) return;
    const { node, host, port, logger } = this.#options;
    logger.warn(`${node}: lost its registration with the port mapper at ${host}:${port}; registering again`);
    this.#registration = undefined;
    void this.#retry(0);
  }

  async #retry(attempt: number): Promise<void> {
    this.#retryTimer = undefined;
    if (this.#closing) return;
    const { node, host, port, logger, clock } = this.#options;
    try {
      await this.#register();
      if (!this.#closing) logger.info(`${node}: registered again with the port mapper at ${host}:${port}${this.embedded ? ' (embedded, started here)' : ''}`);
    } catch (error) {
      if (this.#closing) return;
      const delayMs = Math.min(100 * 2 ** attempt, MAX_RETRY_DELAY_MS);
      logger.warn(`${node}: cannot register with the port mapper at ${host}:${port} (${(error as Error).message}); retrying in ${delayMs} ms`);
      this.#retryTimer = clock.setTimer(delayMs, () => void this.#retry(attempt + 1));
    }
  }
}
