// Cluster: a distributed node's public face (Erlang's net_kernel) — connections, ping,
// node monitoring, remote spawn and rpc, and stopping distribution.
import type { EventEmitter } from 'eventemitter3';
import {
  type Pid,
  ProcessContext,
  type Ref,
  type RemoteAttachment,
  type Runtime,
  isDownMessage,
  isPid,
} from '@troupe/runtime';
import { DistributionStoppedError, RemoteSpawnError } from '../errors.js';
import type { Listener } from '../transport/transport.js';
import type { ConnectionTable } from './connection-table.js';
import type { ClusterEvents, NodeMonitor } from './node-monitor.js';
import type { PeerAddress } from './peer-directory.js';
import type { PortMapperKeeper } from './registration.js';
import type { RemoteFunction, RemoteSpawner } from './remote-spawn.js';
import type { Rpc } from './rpc.js';

/** The registered name of the process that answers pings on every node. */
export const NET_KERNEL = 'net_kernel';

/** Options of {@link Cluster.spawn}. */
export interface RemoteSpawnOptions {
  /** The calling process; required for `link` and `monitor`. */
  readonly self?: ProcessContext;
  /** Link the new process to `self`, atomically (Erlang's `spawn_link/4`). */
  readonly link?: boolean;
  /** Monitor it from `self`, atomically (Erlang's `spawn_monitor/4`); resolves `{pid, ref}`. */
  readonly monitor?: boolean;
}

/** What startDistribution assembled; the Cluster owns it from then on. */
export interface ClusterParts {
  readonly runtime: Runtime;
  readonly name: string;
  readonly hidden: boolean;
  readonly listener: Listener;
  readonly table: ConnectionTable;
  readonly spawner: RemoteSpawner;
  readonly monitor: NodeMonitor;
  readonly rpc: Rpc;
  readonly attachment: RemoteAttachment;
  readonly keeper: PortMapperKeeper | undefined;
  readonly netKernel: Pid;
  readonly isStopped: { value: boolean };
}

/**
 * A running distributed node — Erlang's `net_kernel`. Made by `startDistribution`.
 * Sending to remote pids and `{name, node}`, links, monitors and `exit/2` across nodes
 * need nothing from here: they go through the runtime as for local processes.
 */
export class Cluster {
  readonly #p: ClusterParts;
  #stopping: Promise<void> | undefined;

  /** @internal made by startDistribution. */
  constructor(parts: ClusterParts) {
    this.#p = parts;
  }

  /** This node's name (Erlang's `node()`). */
  get name(): string {
    return this.#p.name;
  }

  /** Where this node accepts connections. */
  get address(): PeerAddress {
    return { host: this.#p.listener.host, port: this.#p.listener.port };
  }

  /** Whether this node is hidden (connected to others but never part of their mesh). */
  get hidden(): boolean {
    return this.#p.hidden;
  }

  /** `nodeup`, `nodedown` (with its reason), `busy` and `drain` events. */
  get events(): EventEmitter<ClusterEvents> {
    return this.#p.monitor.events;
  }

  /** Remote calls (Erlang's `erpc`). */
  get rpc(): Rpc {
    return this.#p.rpc;
  }

  /**
   * Connects to `node` — through the mesh, to every visible node it knows — and resolves
   * once the connection is up (Erlang's `net_kernel:connect_node/1`). With `address`, the
   * node is reached there (and remembered) instead of through the port mapper.
   * @throws NodeUnreachableError (rejection) with a `reason` code.
   */
  connect(node: string, address?: PeerAddress): Promise<void> {
    checkNode('connect', node);
    return this.#p.table.connect(node, address);
  }

  /**
   * `'pong'` when `node` answers, `'pang'` when it cannot be reached or goes down first
   * (Erlang's `net_adm:ping/1`). Like Erlang's, it waits as long as the connection lives.
   */
  async ping(node: string): Promise<'pong' | 'pang'> {
    checkNode('ping', node);
    if (node === this.#p.name) return 'pong';
    if (this.#p.isStopped.value) return 'pang';
    try {
      await this.#p.table.connect(node);
    } catch {
      return 'pang';
    }
    return new Promise((resolve) => {
      this.#p.runtime.spawn(async (self) => {
        const target = { name: NET_KERNEL, node };
        const ref = self.monitor(target, { alias: true });
        self.send(target, { kind: '$ping', replyTo: ref });
        const answer = await self.receive(
          (m) => isDownMessage(m, ref) || ((m as { kind?: unknown })?.kind === '$pong' && ref.equals((m as { ref?: unknown }).ref)),
        );
        resolve(isDownMessage(answer) ? 'pang' : 'pong');
      });
    });
  }

  /** Connected nodes (Erlang's `nodes/1`): `visible` (default), `hidden`, or all `connected`. */
  nodes(kind: 'visible' | 'hidden' | 'connected' = 'visible'): string[] {
    if (kind !== 'visible' && kind !== 'hidden' && kind !== 'connected') {
      throw new TypeError(`nodes: kind must be 'visible', 'hidden' or 'connected', got ${String(kind)}`);
    }
    return this.#p.table.nodes(kind);
  }

  /**
   * Drops the connection to `node` now (Erlang's `erlang:disconnect_node/1`): it is down
   * with reason `disconnect`, and links and monitors across it fire `noconnection`.
   * Returns false if it was not connected. A later send connects again.
   */
  disconnect(node: string): boolean {
    checkNode('disconnect', node);
    return this.#p.table.disconnect(node);
  }

  /**
   * Erlang's `erlang:monitor_node(Node, Flag)`. With `flag` true (the default), the
   * process gets one `{kind: 'nodedown', node}` message when `node` goes down — at once if
   * it cannot be connected — per call; with false, one such subscription is removed.
   */
  monitorNode(watcher: ProcessContext | Pid, node: string, flag = true): void {
    const pid = watcher instanceof ProcessContext ? watcher.pid : watcher;
    if (!isPid(pid) || !pid.isLocal) throw new TypeError('monitorNode: watcher must be a ProcessContext or a local Pid');
    checkNode('monitorNode', node);
    if (typeof flag !== 'boolean') throw new TypeError('monitorNode: flag must be a boolean');
    const { monitor, table } = this.#p;
    if (!flag) return monitor.remove(pid, node);
    if (node === this.#p.name) return; // the local node never goes down while this runs
    monitor.add(pid, node);
    if (this.#p.isStopped.value) monitor.down(node, 'shutdown', false, false);
    else if (table.state(node) !== 'up') table.connect(node).catch(() => {}); // failure fires the subscription
  }

  /** Makes `fn` spawnable and callable by name from other nodes (and this one). */
  registerFunction(name: string, fn: RemoteFunction): void {
    this.#p.spawner.register(name, fn);
  }

  /** Removes a function registered with {@link registerFunction}; returns whether it was. */
  unregisterFunction(name: string): boolean {
    return this.#p.spawner.unregister(name);
  }

  /**
   * Spawns the function registered as `fn` on `node` with `args` (Erlang's `spawn/4`,
   * `spawn_link/4`, `spawn_monitor/4`); resolves with its pid — `{pid, ref}` with
   * `monitor`. Link and monitor are set up before the new process runs. Rejects with
   * {@link RemoteSpawnError}: `undef` (no such function there), `noconnection`.
   * The DOWN of a remote spawn monitor cannot yet be cancelled with `self.demonitor`.
   */
  spawn(node: string, fn: string, args: readonly unknown[], options: RemoteSpawnOptions & { readonly monitor: true }): Promise<{ pid: Pid; ref: Ref }>;
  spawn(node: string, fn: string, args?: readonly unknown[], options?: RemoteSpawnOptions): Promise<Pid>;
  spawn(node: string, fn: string, args: readonly unknown[] = [], options: RemoteSpawnOptions = {}): Promise<Pid | { pid: Pid; ref: Ref }> {
    checkNode('spawn', node);
    if (typeof fn !== 'string' || fn.length === 0) throw new TypeError('spawn: fn must be the name of a registered function');
    if (!Array.isArray(args)) throw new TypeError('spawn: args must be an array');
    const { self, link = false, monitor = false } = options;
    if ((link || monitor) && !(self instanceof ProcessContext)) throw new TypeError('spawn: link and monitor need options.self');
    const { spawner, runtime } = this.#p;
    if (this.#p.isStopped.value) return Promise.reject(new DistributionStoppedError('spawn'));
    if (node === this.#p.name) {
      const body = spawner.body(fn, args);
      if (body === undefined) return Promise.reject(new RemoteSpawnError(node, fn, 'undef'));
      if (self === undefined) return Promise.resolve(runtime.spawn(body));
      if (!monitor) return Promise.resolve(link ? self.spawnLink(body) : self.spawn(body));
      const spawned = self.spawnMonitor(body);
      if (link) self.link(spawned.pid);
      return Promise.resolve(spawned);
    }
    const ref = runtime.makeRef();
    const requester = self?.pid ?? this.#p.netKernel;
    return new Promise((resolve, reject) => {
      spawner.request(node, requester, ref, fn, args, { link, monitor }, (outcome) => {
        if (!isPid(outcome)) reject(new RemoteSpawnError(node, fn, outcome.error));
        else resolve(monitor ? { pid: outcome, ref } : outcome);
      });
    });
  }

  /** Whether the connection to `node` is over its high-water mark (a busy dist port). */
  isBusy(node: string): boolean {
    return this.#p.table.queue(node)?.busy === true;
  }

  /** Resolves once the connection to `node` is not busy: how code outside processes applies backpressure. */
  whenDrained(node: string): Promise<void> {
    const queue = this.#p.table.queue(node);
    if (queue?.busy !== true) return Promise.resolve();
    return new Promise((resolve) => queue.once('drain', () => resolve()));
  }

  /**
   * Stops distribution (Erlang's `net_kernel:stop/0`): every connection closes (links and
   * monitors across fire `noconnection`), the name is unregistered from the port mapper,
   * an embedded port mapper run here stops. The runtime goes on as a local node.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const { listener, table, keeper, runtime, netKernel, attachment, isStopped } = this.#p;
    isStopped.value = true;
    await listener.close();
    table.stop();
    await keeper?.close();
    if (runtime.processInfo(netKernel) !== undefined) runtime.exit(netKernel, 'kill');
    attachment.detach();
  }
}

function checkNode(caller: string, node: unknown): asserts node is string {
  if (typeof node !== 'string' || node.length === 0) throw new TypeError(`${caller}: node must be a node name, got ${String(node)}`);
}
