// RemoteRoute: the narrow door through which the runtime hands messages and signals
// for other nodes to a distribution layer (which @troupe/dist implements).
import type { Pid } from '../terms/pid.js';
import type { Ref } from '../terms/ref.js';
import type { ExitReason } from '../terms/exit-reason.js';
import type { RemoteName } from './messages.js';

/**
 * What a route returns for a send whose connection is over its high-water mark: the
 * message is queued, and the sending process is parked at its next yield point until
 * `whenDrained` calls back (Erlang suspends a process on a busy distribution port).
 */
export interface BusyPort {
  readonly node: string;
  whenDrained(resume: () => void): void;
}

/**
 * Implemented by a distribution layer. Every method is fire-and-forget: a signal to a
 * node that cannot be reached must come back as the matching failure through
 * {@link RemoteEndpoint} (e.g. `noconnection` for links and monitors), never throw.
 */
export interface RemoteRoute {
  /** `to` is a pid or an alias of a process on another node. */
  send(from: Pid | undefined, to: Pid | Ref, message: unknown): BusyPort | void;
  sendNamed(from: Pid | undefined, to: RemoteName, message: unknown): BusyPort | void;
  link(from: Pid, to: Pid): void;
  unlink(from: Pid, to: Pid): void;
  /** `kind` tells a link's exit (the sender died) from `exit/2`. */
  exit(from: Pid, to: Pid, reason: ExitReason, kind: 'link' | 'exit2'): void;
  monitor(watcher: Pid, target: Pid | RemoteName, ref: Ref): void;
  demonitor(watcher: Pid, target: Pid | RemoteName, ref: Ref): void;
  /** A local process that a remote watcher monitored has ended. */
  down(target: Pid | string, watcher: Pid, ref: Ref, reason: ExitReason): void;
}

/** What a distribution layer calls to deliver what arrived from other nodes. */
export interface RemoteEndpoint {
  send(to: Pid | Ref, message: unknown): void;
  sendNamed(name: string, message: unknown): void;
  link(from: Pid, to: Pid): void;
  unlink(from: Pid, to: Pid): void;
  exit(from: Pid, to: Pid, reason: ExitReason, kind: 'link' | 'exit2'): void;
  monitor(watcher: Pid, target: Pid | string, ref: Ref): void;
  demonitor(watcher: Pid, target: Pid | string, ref: Ref): void;
  down(watcher: Pid, ref: Ref, reason: ExitReason): void;
  /**
   * Installs the local half of a monitor another node set up on our behalf (remote spawn
   * with `monitor`): `watcher` then holds monitor `ref` on `target` as if it had called
   * monitor itself — DOWN, demonitor and `noconnection` all apply.
   */
  adoptMonitor(watcher: Pid, target: Pid, ref: Ref): void;
  /** The connection to `node` is gone: every link and monitor across it fires with `noconnection`. */
  nodeDown(node: string): void;
}
