// RefIdTable: values keyed by the ids of local refs, without a hash-map write per entry
// (the node's aliases, the OTP gateway's pending calls).

// Slots of the direct-mapped window: a power of two, so a slot is `id & WINDOW_MASK`.
const WINDOW = 1024;
const WINDOW_MASK = WINDOW - 1;

/**
 * Values by local ref id (`ref.id`), for request/reply bookkeeping that turns over one
 * entry per request. Ref ids only grow and most entries (a call's tag) live briefly, so a
 * direct-mapped window of slots answers set, get and delete without hashing or
 * allocating; an entry still present when a newer id claims its slot moves to a Map.
 * Invariant: an id is in at most one of the two; `#ids[s]` is 0 when slot s is free
 * (ref ids start at 1).
 */
export class RefIdTable<T> {
  // Float64: ids pass 2^31 in a long-lived node and must stay exact.
  readonly #ids = new Float64Array(WINDOW);
  readonly #values: (T | undefined)[] = new Array<T | undefined>(WINDOW).fill(undefined);
  readonly #overflow = new Map<number, T>();

  get(id: number): T | undefined {
    const slot = id & WINDOW_MASK;
    if (this.#ids[slot] === id) return this.#values[slot];
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(id);
  }

  set(id: number, value: T): void {
    const slot = id & WINDOW_MASK;
    const held = this.#ids[slot]!;
    if (held !== id) {
      if (this.#overflow.size !== 0) this.#overflow.delete(id);
      if (held !== 0) this.#overflow.set(held, this.#values[slot]!);
    }
    this.#ids[slot] = id;
    this.#values[slot] = value;
  }

  delete(id: number): void {
    const slot = id & WINDOW_MASK;
    if (this.#ids[slot] === id) {
      this.#ids[slot] = 0;
      this.#values[slot] = undefined;
    } else if (this.#overflow.size !== 0) {
      this.#overflow.delete(id);
    }
  }
}
