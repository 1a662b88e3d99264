// Registry: registered names (Erlang's register/unregister/whereis/registered).
import type { Process } from '../process/process.js';
import { BadArgError } from '../errors.js';

export class Registry {
  readonly #byName = new Map<string, Process>();

  /** Registers `process` as `name`. Erlang's rules: one name per process, one process per name. */
  register(name: string, process: Process): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`register: name must be a non-empty string, got ${String(name)}`);
    }
    if (name === 'undefined') throw new BadArgError("register: 'undefined' cannot be registered");
    if (!process.alive) throw new BadArgError(`register: process ${process.pid} is not alive`);
    const holder = this.#byName.get(name);
    if (holder !== undefined) throw new BadArgError(`register: name '${name}' is already registered to ${holder.pid}`);
    const current = process.extras?.name;
    if (current !== undefined) throw new BadArgError(`register: process ${process.pid} is already registered as '${current}'`);
    this.#byName.set(name, process);
    process.extra().name = name;
  }

  /** Removes `name`; throws BadArgError if it is not registered. */
  unregister(name: string): void {
    const holder = this.#byName.get(name);
    if (holder === undefined) throw new BadArgError(`unregister: name '${name}' is not registered`);
    this.#byName.delete(name);
    holder.extras!.name = undefined;
  }

  /** Drops the name of a process that ended. */
  release(process: Process): void {
    const name = process.extras?.name;
    if (name !== undefined && this.#byName.get(name) === process) this.#byName.delete(name);
  }

  whereis(name: string): Process | undefined {
    return this.#byName.get(name);
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }
}
