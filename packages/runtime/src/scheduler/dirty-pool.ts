// DirtyPool: the dirty schedulers — a piscina pool of worker threads where processes send
// CPU-heavy work, so the main scheduler never stalls on it.
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';

/**
 * Work for a dirty scheduler. Either a self-contained function (its source is sent to the
 * worker, so it must not use variables from its surroundings; arguments and result are
 * structured-cloned), or an export of a module the worker imports.
 */
export type DirtyTask<A extends unknown[] = unknown[], R = unknown> =
  | ((...args: A) => R | Promise<R>)
  | { readonly module: string | URL; readonly name?: string };

export interface DirtyPoolOptions {
  /** Worker threads at most (default: cores - 1, at least 1). */
  readonly maxThreads?: number;
  /** Milliseconds an idle worker lives (default 10 s). */
  readonly idleTimeoutMs?: number;
}

type WireTask =
  | { readonly kind: 'function'; readonly source: string; readonly args: unknown[] }
  | { readonly kind: 'module'; readonly module: string; readonly name: string; readonly args: unknown[] };

export class DirtyPool {
  readonly #options: DirtyPoolOptions;
  // piscina is loaded with the first task: an application that never runs dirty work
  // does not carry its code (a few hundred KB of heap, which every full GC walks).
  #pool: Promise<Piscina> | undefined;
  #inFlight = 0;

  constructor(options: DirtyPoolOptions = {}) {
    this.#options = options;
  }

  /** Tasks sent and not yet settled. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Runs `task(...args)` on a worker thread; rejects with the task's error. */
  run(task: DirtyTask, args: unknown[]): Promise<unknown> {
    const wire = toWireTask(task, args);
    this.#pool ??= this.#createPool();
    this.#inFlight++;
    return this.#pool
      .then((pool) => pool.run(wire))
      .finally(() => {
        this.#inFlight--;
      });
  }

  /** Stops the worker threads (pending tasks are rejected). */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool !== undefined) await (await pool).destroy();
  }

  async #createPool(): Promise<Piscina> {
    const maxThreads = this.#options.maxThreads ?? Math.max(1, availableParallelism() - 1);
    const { Piscina } = await import('piscina');
    return new Piscina({
      filename: new URL('../../worker/dirty-worker.mjs', import.meta.url).href,
      // Plain JavaScript: a TypeScript loader's flags would only slow each thread's start,
      // and per-process flags (--expose-gc, …) are refused by worker threads.
      execArgv: [],
      minThreads: 0,
      maxThreads,
      idleTimeout: this.#options.idleTimeoutMs ?? 10_000,
    });
  }
}

function toWireTask(task: DirtyTask, args: unknown[]): WireTask {
  if (typeof task === 'function') return { kind: 'function', source: task.toString(), args };
  if (typeof task === 'object' && task !== null && (typeof task.module === 'string' || task.module instanceof URL)) {
    const module = task.module instanceof URL ? task.module.href : task.module;
    return { kind: 'module', module, name: task.name ?? 'default', args };
  }
  throw new TypeError('dirty: task must be a function or { module, name? }');
}
