// ProcessTable: the live local processes, in slots reused like the BEAM's process table.
import type { Process } from '../process/process.js';

/**
 * A pid's id is its slot here and its serial counts the slot's reuses, as in Erlang
 * (`<0.Index.Serial>`): a lookup is an array read plus a serial check, with no hashing,
 * and a table that churns through millions of short-lived processes allocates nothing.
 * Freed slots wait in a FIFO and are reused only once many are free, so, as on the
 * BEAM, a pid you just saw die is not handed out again right away.
 */
const REUSE_AFTER_FREE = 1024;

export class ProcessTable {
  // Slot 0 is reserved for the runtime itself (the sender of signals from outside any process).
  readonly #slots: (Process | undefined)[] = [undefined];
  readonly #serials: number[] = [0];
  // FIFO of free slots: #free[#freeHead .. #free.length).
  #free: number[] = [];
  #freeHead = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Reserves a slot for a new process: its pid's id and serial. */
  allocate(): { id: number; serial: number } {
    if (this.#free.length - this.#freeHead > REUSE_AFTER_FREE) {
      const id = this.#free[this.#freeHead++]!;
      if (this.#freeHead >= 4096 && this.#freeHead * 2 >= this.#free.length) {
        this.#free = this.#free.slice(this.#freeHead);
        this.#freeHead = 0;
      }
      return { id, serial: this.#serials[id]! };
    }
    this.#slots.push(undefined);
    this.#serials.push(0);
    return { id: this.#slots.length - 1, serial: 0 };
  }

  add(process: Process): void {
    this.#slots[process.pid.id] = process;
    this.#size++;
  }

  /** The live process in slot `id` if its serial matches. */
  get(id: number, serial: number): Process | undefined {
    const process = this.#slots[id];
    return process !== undefined && process.pid.serial === serial ? process : undefined;
  }

  delete(process: Process): void {
    const id = process.pid.id;
    if (this.#slots[id] !== process) return;
    this.#slots[id] = undefined;
    this.#serials[id] = this.#serials[id]! + 1;
    this.#free.push(id);
    this.#size--;
  }

  *values(): IterableIterator<Process> {
    for (const process of this.#slots) if (process !== undefined) yield process;
  }
}
