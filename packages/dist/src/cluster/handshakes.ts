// Handshakes: the socket work of setting up a connection — resolve, dial and run the dialing
// script, or run the accepting one — with every socket in flight closed on stop.
import type { Duplex } from 'node:stream';
import type { Clock, Logger } from '@troupe/runtime';
import { HandshakeError, NodeUnreachableError } from '../errors.js';
import type { Cookie } from '../handshake/challenge.js';
import { type HandshakeResult, acceptHandshake, dialHandshake } from '../handshake/handshake.js';
import type { Transport } from '../transport/transport.js';
import type { HandshakeStatus } from '../wire/frame.js';
import { isNodeName } from './node-name.js';
import type { PeerDirectory } from './peer-directory.js';

/** Who we are in handshakes, and how we reach others. */
export interface HandshakesOptions {
  readonly name: string;
  readonly cookie: Cookie;
  readonly creation: number;
  readonly hidden: boolean;
  readonly handshakeTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly transport: Transport;
  readonly directory: PeerDirectory;
}

// Failures worth a log line on the dialing side (the accepting side logs its own).
const LOGGED_DIAL_FAILURES = new Set(['bad_cookie', 'version_mismatch', 'unexpected_frame', 'bad_frame', 'wrong_node', 'timeout']);

/** Runs handshakes; what to do with their results is the connection table's business. */
export class Handshakes {
  readonly #o: HandshakesOptions;
  readonly #sockets = new Set<Duplex>();
  #stopped = false;

  constructor(options: HandshakesOptions) {
    this.#o = options;
  }

  /**
   * Resolves `node`, dials it and runs the dialing handshake. Resolves undefined when
   * `stillWanted()` turned false on the way (another connection won meanwhile).
   * @param stale the peer still has a connection from us: whether ours is gone (dist_util's `alive` question).
   * @throws NodeUnreachableError, HandshakeError, or the transport's error (e.g. ECONNREFUSED).
   */
  async dial(node: string, stillWanted: () => boolean, stale: () => boolean): Promise<HandshakeResult | undefined> {
    const o = this.#o;
    if (!isNodeName(node)) throw new NodeUnreachableError(node, 'bad_node_name');
    const { host, port } = await o.directory.resolve(node);
    if (!stillWanted() || this.#stopped) return undefined;
    const socket = await o.transport.dial(host, port, { timeoutMs: o.handshakeTimeoutMs });
    if (!stillWanted() || this.#stopped) {
      socket.destroy();
      return undefined;
    }
    this.#sockets.add(socket);
    try {
      return await dialHandshake(socket, {
        name: o.name,
        cookie: o.cookie,
        creation: o.creation,
        hidden: o.hidden,
        handshakeTimeoutMs: o.handshakeTimeoutMs,
        clock: o.clock,
        peerName: node,
        onAlive: stale,
      });
    } catch (error) {
      if (error instanceof HandshakeError && LOGGED_DIAL_FAILURES.has(error.code)) {
        o.logger.warn(`${o.name}: connection to ${node} failed: ${error.code}: ${error.message}`);
      }
      throw error;
    } finally {
      this.#sockets.delete(socket);
    }
  }

  /**
   * Runs the accepting handshake on `socket`; `onName` answers the dialer (net_kernel's
   * accept_pending). Failures are logged by the handshake itself, one line each.
   */
  async accept(socket: Duplex, onName: (peer: string) => HandshakeStatus): Promise<HandshakeResult> {
    const o = this.#o;
    if (this.#stopped) {
      socket.destroy();
      throw new NodeUnreachableError('(incoming)', 'shutdown');
    }
    this.#sockets.add(socket);
    try {
      return await acceptHandshake(socket, {
        name: o.name,
        cookie: o.cookie,
        creation: o.creation,
        hidden: o.hidden,
        handshakeTimeoutMs: o.handshakeTimeoutMs,
        clock: o.clock,
        logger: (line) => o.logger.warn(line),
        onName,
      });
    } finally {
      this.#sockets.delete(socket);
    }
  }

  /** Closes every socket still in a handshake (each handshake then fails with `closed`). */
  stop(): void {
    this.#stopped = true;
    for (const socket of this.#sockets) socket.destroy();
  }
}
