// NodeHandle: one node as seen from this runtime (its name, creation and local index).
// Pids and refs point at a handle instead of copying the name, so that the local
// node can take its distributed name later (as `net_kernel:start` does in Erlang)
// without changing any pid already handed out.

/** A node as this runtime knows it. Index 0 is always the local node. */
export class NodeHandle {
  /** @internal the node table assigns it; index 0 is the local node. */
  constructor(
    public name: string,
    public creation: number,
    readonly index: number,
  ) {}

  get isLocal(): boolean {
    return this.index === 0;
  }
}

/** The name of a node that has not started distribution (Erlang's `nonode@nohost`). */
export const NO_NODE = 'nonode@nohost';

/**
 * Interns one NodeHandle per (name, creation), so a pid's node can be compared by
 * identity. Remote nodes are numbered from 1 in the order they were first seen,
 * like the first number of an Erlang pid (`<7.42.0>`).
 */
export class NodeTable {
  readonly local: NodeHandle;
  readonly #remote = new Map<string, NodeHandle>();
  #nextIndex = 1;

  constructor(localName: string, localCreation: number) {
    this.local = new NodeHandle(localName, localCreation, 0);
  }

  /** The handle for `name` with `creation`; the local handle when they name this node. */
  intern(name: string, creation: number): NodeHandle {
    if (name === this.local.name && (creation === this.local.creation || creation === 0)) return this.local;
    const key = `${name}/${creation}`;
    let handle = this.#remote.get(key);
    if (handle === undefined) {
      handle = new NodeHandle(name, creation, this.#nextIndex++);
      this.#remote.set(key, handle);
    }
    return handle;
  }
}
