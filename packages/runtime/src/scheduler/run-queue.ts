// RunQueue: FIFO of runnables as a growable ring buffer (push/shift O(1), no allocation
// per operation once grown).
import type { Runnable } from './runnable.js';

export class RunQueue {
  // Ring buffer: `#head` is the next slot to take, `#count` entries follow it,
  // wrapping at the capacity (always a power of two, so `& mask` replaces `%`).
  #slots: (Runnable | undefined)[] = new Array(16);
  #head = 0;
  #count = 0;

  get length(): number {
    return this.#count;
  }

  push(item: Runnable): void {
    if (this.#count === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#count) & (this.#slots.length - 1)] = item;
    this.#count++;
  }

  shift(): Runnable | undefined {
    if (this.#count === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#slots.length - 1);
    this.#count--;
    return item;
  }

  #grow(): void {
    const old = this.#slots;
    const next: (Runnable | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#count; i++) next[i] = old[(this.#head + i) & (old.length - 1)];
    this.#slots = next;
    this.#head = 0;
  }
}
