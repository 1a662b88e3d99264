// Full mesh (Erlang's global/dist_auto_connect): tell a new peer who else we know, dial whom it knows.
import type { Logger } from '@troupe/runtime';
import type { PeersFrame } from '../wire/frame.js';
import type { ConnectionTable } from './connection-table.js';
import { isNodeName } from './node-name.js';

/**
 * Completes the mesh. When a visible connection comes up, each side sends the other
 * its other visible nodes (a `peers` frame), and each dials the nodes it lacks — so
 * A–B then B–C gives A–C, transitively. Hidden nodes neither send nor act on lists,
 * and are never listed. Crossing dials are settled by the handshake's tie-break.
 */
export class Mesh {
  readonly #name: string;
  readonly #hidden: boolean;
  readonly #table: ConnectionTable;
  readonly #logger: Logger;

  constructor(name: string, hidden: boolean, table: ConnectionTable, logger: Logger) {
    this.#name = name;
    this.#hidden = hidden;
    this.#table = table;
    this.#logger = logger;
  }

  /** A connection to `node` came up. */
  up(node: string, hidden: boolean): void {
    if (this.#hidden || hidden) return;
    const others = this.#table.nodes('visible').filter((other) => other !== node);
    if (others.length > 0) this.#table.send(node, { t: 'peers', nodes: others }, undefined, true);
  }

  /** `node` told us the nodes it knows. */
  received(node: string, frame: PeersFrame): void {
    if (this.#hidden || this.#table.isHidden(node)) return;
    for (const peer of frame.nodes) {
      if (peer === this.#name || !isNodeName(peer) || this.#table.state(peer) !== undefined) continue;
      this.#table.connect(peer).catch((error: Error) => {
        this.#logger.warn(`${this.#name}: mesh: cannot connect to ${peer} (known by ${node}): ${error.message}`);
      });
    }
  }
}
