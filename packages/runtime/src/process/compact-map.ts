// CompactMap: the map a process keeps its monitors in. A process usually holds a few
// monitors at a time, and a gen_server call adds and removes one on each side; a V8 Map
// reallocates its table each time it empties and refills, which made monitor bookkeeping
// a third of a call. Up to LINEAR_MAX entries live in two parallel arrays whose storage
// is kept; past that, in a Map for good (a server watched by many callers).

const LINEAR_MAX = 8;

/**
 * A map for small key sets: insertion-ordered, keys compared with `===` (never NaN).
 * Not safe to modify while iterating; iterate over a copy to delete.
 */
export class CompactMap<K, V> {
  #keys: K[] = [];
  #values: V[] = [];
  #map: Map<K, V> | undefined = undefined;

  get size(): number {
    return this.#map === undefined ? this.#keys.length : this.#map.size;
  }

  get(key: K): V | undefined {
    if (this.#map !== undefined) return this.#map.get(key);
    const index = this.#keys.indexOf(key);
    return index < 0 ? undefined : this.#values[index];
  }

  has(key: K): boolean {
    return this.#map !== undefined ? this.#map.has(key) : this.#keys.includes(key);
  }

  set(key: K, value: V): this {
    if (this.#map !== undefined) {
      this.#map.set(key, value);
      return this;
    }
    const keys = this.#keys;
    const index = keys.indexOf(key);
    if (index >= 0) {
      this.#values[index] = value;
    } else if (keys.length < LINEAR_MAX) {
      keys.push(key);
      this.#values.push(value);
    } else {
      const map = new Map<K, V>();
      for (let i = 0; i < keys.length; i++) map.set(keys[i]!, this.#values[i]!);
      map.set(key, value);
      this.#map = map;
      this.#keys = [];
      this.#values = [];
    }
    return this;
  }

  delete(key: K): boolean {
    if (this.#map !== undefined) return this.#map.delete(key);
    const keys = this.#keys;
    const index = keys.indexOf(key);
    if (index < 0) return false;
    const values = this.#values;
    // Shift the rest down rather than swap with the last: iteration keeps insertion order.
    for (let i = index + 1; i < keys.length; i++) {
      keys[i - 1] = keys[i]!;
      values[i - 1] = values[i]!;
    }
    keys.pop();
    values.pop();
    return true;
  }

  *values(): IterableIterator<V> {
    if (this.#map !== undefined) {
      yield* this.#map.values();
      return;
    }
    for (let i = 0; i < this.#values.length; i++) yield this.#values[i]!;
  }

  *[Symbol.iterator](): IterableIterator<[K, V]> {
    if (this.#map !== undefined) {
      yield* this.#map;
      return;
    }
    for (let i = 0; i < this.#keys.length; i++) yield [this.#keys[i]!, this.#values[i]!];
  }
}
