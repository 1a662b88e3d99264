// The connection table (net_kernel's): one entry per peer, `pending` while handshakes run
// (frames queue meanwhile), `up` once established; dials, accepts and simultaneous connects.
import type { Duplex } from 'node:stream';
import type { Clock, Logger } from '@troupe/runtime';
import { DistributionStoppedError, HandshakeError, NodeUnreachableError } from '../errors.js';
import type { HandshakeResult } from '../handshake/handshake.js';
import { type ExistingConnection, acceptStatus, compareNodeNames } from '../handshake/tie-break.js';
import type { Codec } from '../wire/codec.js';
import type { ConnectionFrame, HandshakeStatus } from '../wire/frame.js';
import { type CloseReason, Connection } from '../connection/connection.js';
import { SendQueue } from '../connection/send-queue.js';
import type { Handshakes } from './handshakes.js';
import { isNodeName } from './node-name.js';
import type { PeerAddress, PeerDirectory } from './peer-directory.js';

/** Why a node went down, or why a connection to it was never set up. */
export type NodeDownReason = CloseReason | 'connection_setup_failed';

/** What the table tells the rest of the node. Called outside any runtime call (never re-entrantly). */
export interface TableHooks {
  frame(node: string, frame: ConnectionFrame): void;
  up(node: string, hidden: boolean): void;
  /** `wasUp` false: a connection that was asked for (or had frames queued) could not be set up. */
  down(node: string, reason: NodeDownReason, wasUp: boolean, hidden: boolean): void;
  busy(node: string, busy: boolean): void;
}

/** Everything the table needs; built once by startDistribution. */
export interface TableOptions {
  readonly name: string;
  readonly hidden: boolean;
  readonly handshakes: Handshakes;
  readonly directory: PeerDirectory;
  readonly codec: Codec;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tickTimeMs: number;
  readonly handshakeTimeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly fragmentBytes: number;
  readonly maxMessageBytes: number;
  readonly hooks: TableHooks;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

interface Pending {
  readonly state: 'pending';
  readonly node: string;
  readonly queue: SendQueue;
  readonly waiters: Waiter[];
  dialing: boolean;
  accepting: boolean;
  /** Someone waits for it or queued frames: its failure must be reported. */
  used: boolean;
  /** Our dial lost the tie-break: the peer's own dial is coming; give up at this timer. */
  awaitPeer: unknown;
}

interface Up {
  readonly state: 'up';
  readonly queue: SendQueue;
  readonly connection: Connection;
  readonly hidden: boolean;
  /** A restarted peer's handshake is replacing this connection (acceptor answered `alive`). */
  replacing: boolean;
}

type Entry = Pending | Up;

const LOGGED_CLOSES = new Set<CloseReason>(['bad_frame', 'bad_payload', 'bad_fragment', 'frame_too_large', 'internal_error']);

/**
 * The node's connections by peer name. Frames for a node that is not connected start a
 * connection (Erlang's auto-connect) and wait in its queue; if it cannot be set up they
 * are dropped and the node is reported down (links and monitors then fire `noconnection`).
 */
export class ConnectionTable {
  readonly #o: TableOptions;
  readonly #entries = new Map<string, Entry>();
  #stopped = false;

  constructor(options: TableOptions) {
    this.#o = options;
  }

  /** Connects to `node` (at `address`, remembered, when given); resolves once up. */
  connect(node: string, address?: PeerAddress): Promise<void> {
    if (this.#stopped) return Promise.reject(new DistributionStoppedError('connect'));
    if (address !== undefined) this.#o.directory.add(node, address);
    if (node === this.#o.name) return Promise.resolve();
    const entry = this.#entries.get(node) ?? this.#startDial(node);
    if (entry.state === 'up') return Promise.resolve();
    entry.used = true;
    return new Promise<void>((resolve, reject) => entry.waiters.push({ resolve, reject }));
  }

  /**
   * Queues `frame` for `node`, connecting first if needed; returns the queue (whose
   * `busy` tells whether the sender should now wait). Undefined once stopped.
   * @throws EncodeError / FrameTooLargeError for a frame that cannot travel.
   */
  send(node: string, frame: ConnectionFrame, sender: string | undefined, control: boolean): SendQueue | undefined {
    if (this.#stopped) return undefined;
    const entry = this.#entries.get(node) ?? this.#startDial(node);
    if (entry.state === 'pending') entry.used = true;
    entry.queue.push(frame, sender, control);
    return entry.queue;
  }

  /** Connected nodes: `visible` (the mesh, Erlang's `nodes()`), `hidden`, or all `connected`. */
  nodes(kind: 'visible' | 'hidden' | 'connected'): string[] {
    const result: string[] = [];
    for (const [node, entry] of this.#entries) {
      if (entry.state === 'up' && (kind === 'connected' || entry.hidden === (kind === 'hidden'))) result.push(node);
    }
    return result;
  }

  /** The state of `node`'s entry, if any. */
  state(node: string): 'pending' | 'up' | undefined {
    return this.#entries.get(node)?.state;
  }

  /** Whether the connection to `node` is up and hidden. */
  isHidden(node: string): boolean {
    const entry = this.#entries.get(node);
    return entry?.state === 'up' && entry.hidden;
  }

  /** The output queue of `node`'s connection (pending or up). */
  queue(node: string): SendQueue | undefined {
    return this.#entries.get(node)?.queue;
  }

  /** Drops the connection to `node` now (Erlang's `disconnect_node`); false if none was up. */
  disconnect(node: string): boolean {
    const entry = this.#entries.get(node);
    if (entry?.state !== 'up') return false;
    entry.connection.close('disconnect');
    return true;
  }

  /** Takes an accepted socket through the accepting handshake. */
  accept(socket: Duplex): void {
    const claim: { entry?: Entry } = {};
    this.#o.handshakes.accept(socket, (peer) => this.#onName(peer, claim)).then(
      (result) => this.#install(result.peerName, result, claim.entry),
      (error: unknown) => {
        const entry = claim.entry;
        if (entry?.state === 'pending') {
          entry.accepting = false;
          this.#attemptFailed(entry, error);
        } else if (entry?.state === 'up') {
          entry.replacing = false;
        }
      },
    );
  }

  /** Closes every connection and handshake; pending connects fail. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#o.handshakes.stop();
    for (const [node, entry] of [...this.#entries]) {
      if (entry.state === 'up') entry.connection.close('shutdown');
      else this.#fail(node, entry, new DistributionStoppedError('connect'), 'shutdown');
    }
  }

  // net_kernel's accept_pending: what to answer a dialer, before it has proven the cookie.
  #onName(peer: string, claim: { entry?: Entry }): HandshakeStatus {
    if (this.#stopped || !isNodeName(peer)) return 'not_allowed';
    const entry = this.#entries.get(peer);
    let existing: ExistingConnection = 'none';
    if (entry?.state === 'up') existing = entry.replacing ? 'up_pending' : 'up';
    else if (entry?.accepting === true) existing = 'up_pending';
    else if (entry?.dialing === true) existing = 'pending';
    const status = acceptStatus(this.#o.name, peer, existing);
    if (status === 'ok' || status === 'ok_simultaneous') {
      const pending = entry?.state === 'pending' ? entry : this.#newPending(peer);
      pending.accepting = true;
      claim.entry = pending;
    } else if (status === 'alive' && entry?.state === 'up') {
      entry.replacing = true;
      claim.entry = entry;
    }
    return status;
  }

  #newPending(node: string): Pending {
    const queue = new SendQueue({
      codec: this.#o.codec,
      highWaterMark: this.#o.maxBufferedBytes,
      fragmentBytes: this.#o.fragmentBytes,
      maxMessageBytes: this.#o.maxMessageBytes,
    });
    queue.on('busy', () => this.#o.hooks.busy(node, true));
    queue.on('drain', () => this.#o.hooks.busy(node, false));
    const entry: Pending = { state: 'pending', node, queue, waiters: [], dialing: false, accepting: false, used: false, awaitPeer: undefined };
    this.#entries.set(node, entry);
    return entry;
  }

  #startDial(node: string): Pending {
    const entry = this.#newPending(node);
    entry.dialing = true;
    void this.#dial(node, entry);
    return entry;
  }

  async #dial(node: string, entry: Pending): Promise<void> {
    const o = this.#o;
    try {
      const result = await o.handshakes.dial(
        node,
        () => this.#entries.get(node) === entry && !this.#stopped,
        () => this.#entries.get(node)?.state !== 'up',
      );
      entry.dialing = false;
      if (result !== undefined) this.#install(node, result, entry);
    } catch (error) {
      entry.dialing = false;
      // A lost simultaneous connect: the peer refused us because its own dial wins; wait for it.
      const lostTieBreak = error instanceof HandshakeError && error.details.status === 'nok' && compareNodeNames(node, o.name) > 0;
      if (lostTieBreak && this.#entries.get(node) === entry && !entry.accepting) {
        entry.awaitPeer = o.clock.setTimer(o.handshakeTimeoutMs, () => {
          entry.awaitPeer = undefined;
          this.#attemptFailed(entry, error);
        });
        return;
      }
      this.#attemptFailed(entry, error);
    }
  }

  // One handshake for `entry` failed; the entry fails only when no other one is running.
  #attemptFailed(entry: Pending, error: unknown): void {
    if (this.#entries.get(entry.node) !== entry || entry.dialing || entry.accepting || entry.awaitPeer !== undefined) return;
    this.#fail(entry.node, entry, toUnreachable(entry.node, error), 'connection_setup_failed');
  }

  #fail(node: string, entry: Pending, error: Error, reason: NodeDownReason): void {
    if (this.#entries.get(node) === entry) this.#entries.delete(node);
    if (entry.awaitPeer !== undefined) this.#o.clock.cancelTimer(entry.awaitPeer);
    entry.queue.close();
    for (const waiter of entry.waiters.splice(0)) waiter.reject(error);
    if (entry.used) this.#o.hooks.down(node, reason, false, false);
  }

  #install(node: string, result: HandshakeResult, claimed: Entry | undefined): void {
    const o = this.#o;
    let entry = this.#entries.get(node);
    // A handshake installs only into the entry it started from; the exception is a
    // replacement (`alive`) whose old connection closed while the handshake ran.
    const replacing = claimed?.state === 'up' && entry?.state !== 'up';
    if (this.#stopped || (entry !== claimed && !replacing)) {
      result.socket.destroy(); // superseded: another connection to this node won
      return;
    }
    if (entry?.state === 'up') {
      // The peer restarted (it declared our connection stale): the old one is gone.
      entry.connection.close('replaced');
      entry = this.#entries.get(node);
    }
    const pending = entry?.state === 'pending' ? entry : this.#newPending(node);
    if (pending.awaitPeer !== undefined) o.clock.cancelTimer(pending.awaitPeer);
    const hidden = o.hidden || result.peerFlags.hidden;
    const connection: Connection = new Connection({
      peerName: node,
      socket: result.socket,
      buffered: result.buffered,
      codec: o.codec,
      queue: pending.queue,
      clock: o.clock,
      tickTimeMs: o.tickTimeMs,
      maxMessageBytes: o.maxMessageBytes,
      handler: {
        frame: (frame) => o.hooks.frame(node, frame),
        closed: (reason, error) => this.#closed(node, up, reason, error),
      },
    });
    const up: Up = { state: 'up', queue: pending.queue, connection, hidden, replacing: false };
    this.#entries.set(node, up);
    for (const waiter of pending.waiters.splice(0)) waiter.resolve();
    o.hooks.up(node, hidden);
    connection.start();
  }

  #closed(node: string, up: Up, reason: CloseReason, error: Error | undefined): void {
    const o = this.#o;
    if (this.#entries.get(node) === up) this.#entries.delete(node);
    if (LOGGED_CLOSES.has(reason)) {
      o.logger.warn(`${o.name}: connection to ${node} closed: ${reason}: ${error?.message ?? 'no detail'}`);
    } else if (reason === 'net_tick_timeout') {
      o.logger.warn(`${o.name}: node ${node} not responding for ${o.tickTimeMs} ms: connection closed (net_tick_timeout)`);
    }
    o.hooks.down(node, reason, true, up.hidden);
  }
}

function toUnreachable(node: string, error: unknown): Error {
  if (error instanceof NodeUnreachableError || error instanceof DistributionStoppedError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  return new NodeUnreachableError(node, typeof code === 'string' ? code : 'connection_failed', { cause: error });
}
