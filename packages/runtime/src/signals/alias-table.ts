// The node's active aliases (local ref id → process), without a hash-map write per call.
import type { Process } from '../process/process.js';

// Slots of the direct-mapped window: a power of two, so a slot is `id & WINDOW_MASK`.
const WINDOW = 1024;
const WINDOW_MASK = WINDOW - 1;

/**
 * Active aliases by the id of their (local) ref. Ids are handed out in increasing order
 * and nearly every alias is a call's, active for microseconds, so a direct-mapped window
 * of slots answers set, get and delete without hashing or allocating. An alias still
 * active when a newer id claims its slot moves to `#overflow`, a Map.
 * Invariant: an id is in at most one of the two, and `#ids[s]` is 0 when slot s is free.
 */
export class AliasTable {
  // Float64: ids pass 2^31 in a long-lived node and must stay exact.
  readonly #ids = new Float64Array(WINDOW);
  readonly #processes: (Process | undefined)[] = new Array<Process | undefined>(WINDOW).fill(undefined);
  readonly #overflow = new Map<number, Process>();

  get(id: number): Process | undefined {
    const slot = id & WINDOW_MASK;
    if (this.#ids[slot] === id) return this.#processes[slot];
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(id);
  }

  set(id: number, process: Process): void {
    const slot = id & WINDOW_MASK;
    const held = this.#ids[slot]!;
    if (held !== id) {
      if (this.#overflow.size !== 0) this.#overflow.delete(id);
      if (held !== 0) this.#overflow.set(held, this.#processes[slot]!);
    }
    this.#ids[slot] = id;
    this.#processes[slot] = process;
  }

  delete(id: number): void {
    const slot = id & WINDOW_MASK;
    if (this.#ids[slot] === id) {
      this.#ids[slot] = 0;
      this.#processes[slot] = undefined;
    } else if (this.#overflow.size !== 0) {
      this.#overflow.delete(id);
    }
  }
}
