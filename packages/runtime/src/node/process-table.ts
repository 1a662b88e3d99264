// ProcessTable: the live local processes, in slots reused like the BEAM's process table.
import type { Process } from '../process/process.js';
import type { Pid } from '../terms/pid.js';

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
  // Who spawned the process in each slot (undefined: spawned from outside any process);
  // shutdown uses it to find the tops of the process trees.
  readonly #spawners: (Pid | undefined)[] = [undefined];
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
    this.#spawners.push(undefined);
    return { id: this.#slots.length - 1, serial: 0 };
  }

  add(process: Process, spawner: Pid | undefined): void {
    this.#slots[process.pid.id] = process;
    this.#spawners[process.pid.id] = spawner;
    this.#size++;
  }

  /**
   * The tops of the process trees, newest slots first: every live process that is not
   * linked to a live process that spawned it. The others hear of their tree's end
   * through that link, in the tree's own order (a supervisor stops its children).
   */
  treeTops(): Process[] {
    const tops: Process[] = [];
    for (let id = this.#slots.length - 1; id > 0; id--) {
      const process = this.#slots[id];
      if (process === undefined) continue;
      const spawner = this.#spawners[id];
      const linkedToSpawner =
        spawner !== undefined && this.get(spawner.id, spawner.serial) !== undefined && process.extras?.links?.has(spawner.key) === true;
      if (!linkedToSpawner) tops.push(process);
    }
    return tops;
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
    this.#spawners[id] = undefined;
    this.#serials[id] = this.#serials[id]! + 1;
    this.#free.push(id);
    this.#size--;
  }

  *values(): IterableIterator<Process> {
    for (const process of this.#slots) if (process !== undefined) yield process;
  }
}
