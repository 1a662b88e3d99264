// DistRoute: the runtime's RemoteRoute — signals for other nodes become frames on their
// connections — and the way back: frames from a peer become RemoteEndpoint calls.
import {
  type ExitReason,
  type Pid,
  type Ref,
  type RemoteEndpoint,
  type RemoteName,
  type RemoteRoute,
  formatReason,
  isPid,
} from '@troupe/runtime';
import { EncodeError } from '../errors.js';
import type { SendQueue } from '../connection/send-queue.js';
import type { ConnectionFrame, PeersFrame, SpawnReplyFrame, SpawnRequestFrame } from '../wire/frame.js';
import type { ConnectionTable } from './connection-table.js';

/**
 * What a route method returns when the connection it queued on is over its high-water
 * mark: the BEAM's *busy dist port*. The frame is queued all the same; the sending
 * process should be suspended at its next yield until `whenDrained` calls back (also
 * called when the connection closes). Today's runtime ignores the return value of
 * RemoteRoute methods, so nothing is suspended yet: the runtime needs to act on it.
 */
export interface BusyDistPort {
  readonly node: string;
  whenDrained(resume: () => void): void;
}

/** Where frames that are not plain signals go. */
export interface FrameConsumers {
  peers(node: string, frame: PeersFrame): void;
  spawnRequest(node: string, frame: SpawnRequestFrame): void;
  spawnReply(node: string, frame: SpawnReplyFrame): void;
  /** True when the DOWN belonged to a monitor the cluster tracks itself (remote spawn). */
}

/**
 * Implements {@link RemoteRoute} over the connection table, and delivers incoming frames.
 *
 * Lanes: messages (`send`, `send_named`) are data; links, exits, monitors and DOWNs are
 * control and overtake other senders' bulk data, never their own sender's (the send
 * queue's invariant). The sender key is the pid, so order holds per pair of processes.
 */
export class DistRoute implements RemoteRoute {
  readonly #name: string;
  readonly #consumers: FrameConsumers;
  #table: ConnectionTable | undefined;
  #endpoint: RemoteEndpoint | undefined;

  constructor(name: string, consumers: FrameConsumers) {
    this.#name = name;
    this.#consumers = consumers;
  }

  /**
   * Completes the route once the runtime has attached it (the table's codec needs the
   * runtime's node table, which attaching returns): frames go out through `table`,
   * arrive through `endpoint`.
   */
  wire(table: ConnectionTable, endpoint: RemoteEndpoint): void {
    this.#table = table;
    this.#endpoint = endpoint;
  }

  // ── out: RemoteRoute ──────────────────────────────────────────────────────

  send(from: Pid | undefined, to: Pid | Ref, message: unknown): BusyDistPort | undefined {
    const frame: ConnectionFrame = from === undefined ? { t: 'send', to, message } : { t: 'send', from, to, message };
    return this.#out(to.node, frame, from?.key ?? '', false);
  }

  sendNamed(from: Pid | undefined, to: RemoteName, message: unknown): BusyDistPort | undefined {
    const name = to.name;
    const frame: ConnectionFrame = from === undefined ? { t: 'send_named', name, message } : { t: 'send_named', from, name, message };
    return this.#out(to.node, frame, from?.key ?? '', false);
  }

  link(from: Pid, to: Pid): BusyDistPort | undefined {
    if (to.node === this.#name) return this.#later(() => this.#endpoint?.exit(to, from, 'noproc', 'link'));
    return this.#out(to.node, { t: 'link', from, to }, from.key, true);
  }

  unlink(from: Pid, to: Pid): BusyDistPort | undefined {
    return this.#out(to.node, { t: 'unlink', from, to }, from.key, true);
  }

  exit(from: Pid, to: Pid, reason: ExitReason, kind: 'link' | 'exit2'): BusyDistPort | undefined {
    const t = kind === 'link' ? 'exit' : 'exit2';
    return this.#signal(to.node, (r) => ({ t, from, to, reason: r }), reason, from.key);
  }

  monitor(watcher: Pid, target: Pid | RemoteName, ref: Ref): BusyDistPort | undefined {
    if (target.node === this.#name) return this.#later(() => this.#endpoint?.down(watcher, ref, 'noproc'));
    const on = isPid(target) ? target : target.name;
    return this.#out(target.node, { t: 'monitor', from: watcher, target: on, ref }, watcher.key, true);
  }

  demonitor(watcher: Pid, target: Pid | RemoteName, ref: Ref): BusyDistPort | undefined {
    const on = isPid(target) ? target : target.name;
    return this.#out(target.node, { t: 'demonitor', from: watcher, target: on, ref }, watcher.key, true);
  }

  down(target: Pid | string, watcher: Pid, ref: Ref, reason: ExitReason): BusyDistPort | undefined {
    const sender = typeof target === 'string' ? undefined : target.key;
    return this.#signal(watcher.node, (r) => ({ t: 'down', from: target, to: watcher, ref, reason: r }), reason, sender);
  }

  // A pid of our own name that is not local belongs to an earlier incarnation of this
  // node: messages to it vanish, links and monitors answer noproc (as on the BEAM).
  #out(node: string, frame: ConnectionFrame, sender: string | undefined, control: boolean): BusyDistPort | undefined {
    if (node === this.#name || this.#table === undefined) return undefined;
    const queue = this.#table.send(node, frame, sender, control);
    return queue?.busy === true ? busyPort(node, queue) : undefined;
  }

  // Exits and DOWNs are sent by the runtime while a process dies: they must not throw.
  // A reason that cannot travel is replaced by one that can and still says what it was.
  #signal(
    node: string,
    build: (reason: ExitReason) => ConnectionFrame,
    reason: ExitReason,
    sender: string | undefined,
  ): BusyDistPort | undefined {
    try {
      return this.#out(node, build(reason), sender, true);
    } catch (error) {
      if (!(error instanceof EncodeError)) throw error;
      return this.#out(node, build(travellingReason(reason)), sender, true);
    }
  }

  // Answers the runtime later, never from inside the call it is making to us.
  #later(answer: () => void): undefined {
    queueMicrotask(answer);
    return undefined;
  }

  // ── in: frames from `node` ────────────────────────────────────────────────

  /** Delivers one frame that arrived from `node`. Frames addressed to another node are dropped. */
  deliver(node: string, frame: ConnectionFrame): void {
    const endpoint = this.#endpoint;
    if (endpoint === undefined) return;
    switch (frame.t) {
      case 'send':
        if (frame.to.nodeHandle.isLocal) endpoint.send(frame.to, frame.message);
        return;
      case 'send_named':
        endpoint.sendNamed(frame.name, frame.message);
        return;
      case 'link':
        if (frame.to.isLocal && frame.from.node === node) endpoint.link(frame.from, frame.to);
        return;
      case 'unlink':
        if (frame.to.isLocal) endpoint.unlink(frame.from, frame.to);
        return;
      case 'exit':
      case 'exit2':
        if (frame.to.isLocal) endpoint.exit(frame.from, frame.to, frame.reason, frame.t === 'exit' ? 'link' : 'exit2');
        return;
      case 'monitor':
        if (frame.from.node === node && isLocalTarget(frame.target)) endpoint.monitor(frame.from, frame.target, frame.ref);
        return;
      case 'demonitor':
        if (isLocalTarget(frame.target)) endpoint.demonitor(frame.from, frame.target, frame.ref);
        return;
      case 'down':
        if (frame.to.isLocal) endpoint.down(frame.to, frame.ref, frame.reason);
        return;
      case 'peers':
        this.#consumers.peers(node, frame);
        return;
      case 'spawn_request':
        if (frame.from.node === node) this.#consumers.spawnRequest(node, frame);
        return;
      case 'spawn_reply':
        if (frame.to.isLocal) this.#consumers.spawnReply(node, frame);
        return;
      default:
        // tick and fragment never reach here (the connection consumes them).
        return;
    }
  }
}

function isLocalTarget(target: Pid | string): boolean {
  return typeof target === 'string' || target.isLocal;
}

function busyPort(node: string, queue: SendQueue): BusyDistPort {
  return { node, whenDrained: (resume) => void queue.once('drain', resume) };
}

// The closest reason that can be encoded: an error keeps its class name, message and stack.
function travellingReason(reason: ExitReason): ExitReason {
  if (typeof reason === 'object' && reason.kind === 'error' && reason.error instanceof Error) {
    const { name, message, stack } = reason.error;
    const error = new Error(message);
    Object.defineProperty(error, 'name', { value: name, configurable: true, writable: true });
    if (stack !== undefined) error.stack = stack;
    return { kind: 'error', error, ...(typeof reason.stack === 'string' ? { stack: reason.stack } : {}) };
  }
  return { kind: 'unencodable_reason', description: formatReason(reason) };
}
