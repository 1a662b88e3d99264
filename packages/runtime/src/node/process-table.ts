// ProcessTable: the live local processes by id, and id allocation.
import type { Process } from '../process/process.js';

export class ProcessTable {
  readonly #byId = new Map<number, Process>();
  // Id 0 is reserved for the runtime itself (the sender of signals from outside any process).
  #nextId = 1;

  get size(): number {
    return this.#byId.size;
  }

  allocateId(): number {
    return this.#nextId++;
  }

  add(process: Process): void {
    this.#byId.set(process.id, process);
  }

  get(id: number): Process | undefined {
    return this.#byId.get(id);
  }

  delete(id: number): void {
    this.#byId.delete(id);
  }

  values(): IterableIterator<Process> {
    return this.#byId.values();
  }
}
