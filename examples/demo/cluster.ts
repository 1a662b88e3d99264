// Part 3 of the demo: what the nodes say to each other, and how the HTTP endpoint picks a
// live node for the cluster's kv (write to every live replica, read from the first that answers).
import type { Cluster } from '@troupe/dist';
import { CallExitError, GenServer } from '@troupe/otp';
import { formatReason } from '@troupe/runtime';
import type { KvTypes } from './services.js';

/** A short message between the nodes' `inbox` processes; `from` is the sender's node. */
export interface Note {
  readonly kind: 'note';
  readonly from: string;
  readonly text: string;
}

export function isNote(message: unknown): message is Note {
  const note = message as Partial<Note> | null;
  return typeof note === 'object' && note !== null && note.kind === 'note' && typeof note.from === 'string' && typeof note.text === 'string';
}

/** The `kv` service on another node, by `{name, node}`: typed like the local one. */
export const kvOn = (node: string) => GenServer.ref<KvTypes>({ name: 'kv', node });

/**
 * The nodes whose `kv` the HTTP endpoint uses, in order of preference. Until part 3 attaches
 * a cluster there are none; after that, only the connected ones count, so a node that went
 * down is passed over without trying it.
 */
export class Backends {
  #cluster: Cluster | undefined;
  #preferred: readonly string[] = [];

  use(cluster: Cluster, preferred: readonly string[]): void {
    this.#cluster = cluster;
    this.#preferred = preferred;
  }

  live(): string[] {
    const connected = new Set(this.#cluster?.nodes() ?? []);
    return this.#preferred.filter((node) => connected.has(node));
  }
}

/** No node in the list could answer. */
export class NoLiveNodeError extends Error {
  override readonly name = 'NoLiveNodeError';
}

/**
 * Runs `call` against each of `nodes` in turn and returns the first answer. A call that
 * exits — the node went down meanwhile (`noconnection`) or the service is not running
 * there (`noproc`) — moves on to the next node; any other error is thrown.
 */
export async function firstLive<T>(nodes: readonly string[], call: (node: string) => Promise<T>): Promise<{ node: string; value: T }> {
  const failures: string[] = [];
  for (const node of nodes) {
    try {
      return { node, value: await call(node) };
    } catch (error) {
      if (!(error instanceof CallExitError)) throw error;
      failures.push(`${node}: ${formatReason(error.reason)}`);
    }
  }
  throw new NoLiveNodeError(nodes.length === 0 ? 'no live node' : `no node answered (${failures.join('; ')})`);
}
