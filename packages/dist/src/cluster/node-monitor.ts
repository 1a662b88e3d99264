// nodeup/nodedown: the cluster's events, and erlang:monitor_node subscriptions of processes.
import { EventEmitter } from 'eventemitter3';
import type { Pid, Runtime } from '@troupe/runtime';
import type { NodeDownReason } from './connection-table.js';

/** The message a process monitoring a node receives when it goes down (Erlang's `{nodedown, Node}`). */
export interface NodeDownMessage {
  readonly kind: 'nodedown';
  readonly node: string;
}

/** Type guard for {@link NodeDownMessage}; with `node`, only that node's. */
export function isNodeDownMessage(message: unknown, node?: string): message is NodeDownMessage {
  if (typeof message !== 'object' || message === null || (message as { kind?: unknown }).kind !== 'nodedown') return false;
  return node === undefined || (message as NodeDownMessage).node === node;
}

/** The events of a Cluster (Erlang's `net_kernel:monitor_nodes(true, [nodedown_reason, {node_type, all}])`). */
export interface ClusterEvents {
  /** A connection to `node` is established. */
  nodeup: (node: string, info: { readonly hidden: boolean }) => void;
  /** The connection to `node` is gone; `reason` says why (e.g. `net_tick_timeout`, `connection_closed`). */
  nodedown: (node: string, info: { readonly reason: NodeDownReason; readonly hidden: boolean }) => void;
  /** The connection to `node` went over its high-water mark (a busy dist port). */
  busy: (node: string) => void;
  /** The connection to `node` drained below half its high-water mark. */
  drain: (node: string) => void;
}

/**
 * Node subscriptions. Like `erlang:monitor_node(Node, true)`, each call adds one: a
 * process that subscribed twice gets two `{kind: 'nodedown'}` messages; a subscription
 * fires once and is then gone. A connection that could not be set up counts as down.
 */
export class NodeMonitor {
  readonly events = new EventEmitter<ClusterEvents>();
  readonly #runtime: Runtime;
  // node → pid key → {pid, count}
  readonly #watchers = new Map<string, Map<string, { readonly pid: Pid; count: number }>>();
  #size = 0;
  #pruneAt = 64;

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  /** One more subscription of `pid` to `node`. */
  add(pid: Pid, node: string): void {
    let byPid = this.#watchers.get(node);
    if (byPid === undefined) this.#watchers.set(node, (byPid = new Map()));
    const entry = byPid.get(pid.key);
    if (entry === undefined) {
      byPid.set(pid.key, { pid, count: 1 });
      if (++this.#size >= this.#pruneAt) this.#prune();
    } else {
      entry.count++;
    }
  }

  /** One subscription fewer (`monitor_node(Node, false)`). */
  remove(pid: Pid, node: string): void {
    const byPid = this.#watchers.get(node);
    const entry = byPid?.get(pid.key);
    if (byPid === undefined || entry === undefined) return;
    if (--entry.count > 0) return;
    byPid.delete(pid.key);
    this.#size--;
    if (byPid.size === 0) this.#watchers.delete(node);
  }

  up(node: string, hidden: boolean): void {
    this.events.emit('nodeup', node, { hidden });
  }

  down(node: string, reason: NodeDownReason, wasUp: boolean, hidden: boolean): void {
    const byPid = this.#watchers.get(node);
    if (byPid !== undefined) {
      this.#watchers.delete(node);
      this.#size -= byPid.size;
      const message: NodeDownMessage = { kind: 'nodedown', node };
      for (const { pid, count } of byPid.values()) for (let i = 0; i < count; i++) this.#runtime.send(pid, message);
    }
    if (wasUp) this.events.emit('nodedown', node, { reason, hidden });
  }

  // Subscribers that died are dropped now and then (amortized: when the table doubles).
  #prune(): void {
    for (const [node, byPid] of this.#watchers) {
      for (const [key, { pid }] of byPid) {
        if (!this.#runtime.isAlive(pid)) {
          byPid.delete(key);
          this.#size--;
        }
      }
      if (byPid.size === 0) this.#watchers.delete(node);
    }
    this.#pruneAt = Math.max(64, this.#size * 2);
  }
}
