// Child specifications: the ChildSpec type, OTP's defaults in one place, and validation
// that names the offending field.
import type { ProcessContext, Receive } from '@troupe/runtime';
import type { ArgsOf, GenServer, ServerTypes } from '../gen-server/callbacks.js';
import type { GenServerStartOptions } from '../gen-server/gen-server.js';
import type { StartResult } from '../proc/start.js';

/** When a terminated child is restarted: always, only after a crash, or never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';
/** How a child is stopped: killed at once, asked to stop within `ms`, or waited for forever. */
export type Shutdown = 'brutal_kill' | number | 'infinity';
/** Whether the child is a worker or a supervisor (changes the default shutdown). */
export type ChildType = 'worker' | 'supervisor';

/**
 * Starts the child from inside the supervisor (`caller` is the supervisor's `self`) and
 * must link it to the supervisor — as `GenServer.startLink(caller, …)` and
 * `Supervisor.startLink(caller, …)` do. Erlang's `{M, F, A}` start function.
 */
export type ChildStartFunction<Extra extends unknown[] = []> = (
  caller: ProcessContext,
  ...extra: Extra
) => StartResult | PromiseLike<StartResult> | Receive<StartResult>;

/** Shorthand for a gen_server child: `GenServer.startLink(caller, module, args, options)`. */
export interface ChildModuleStart<T extends ServerTypes = ServerTypes> {
  readonly module: GenServer<T>;
  readonly args?: ArgsOf<T>;
  readonly options?: GenServerStartOptions;
}

/** A child specification (Erlang's `child_spec()` map). */
export interface ChildSpec {
  /** Names the child within its supervisor. */
  readonly id: string;
  readonly start: ChildStartFunction | ChildModuleStart<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Default `'permanent'`. */
  readonly restart?: RestartType;
  /** Default 5000 ms for a worker, `'infinity'` for a supervisor. */
  readonly shutdown?: Shutdown;
  /** Default `'worker'`. */
  readonly type?: ChildType;
}

/** A child specification with every default filled in. */
export interface NormalizedChildSpec {
  readonly id: string;
  readonly start: ChildStartFunction<unknown[]> | ChildModuleStart;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  readonly type: ChildType;
}

/** OTP's child defaults (supervisor(3), "child_spec()"), the only place they are written. */
export const CHILD_SPEC_DEFAULTS = {
  restart: 'permanent',
  type: 'worker',
  shutdown: { worker: 5000, supervisor: 'infinity' },
} as const satisfies {
  restart: RestartType;
  type: ChildType;
  shutdown: Readonly<Record<ChildType, Shutdown>>;
};

const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const CHILD_TYPES: readonly ChildType[] = ['worker', 'supervisor'];

/**
 * Fills in the defaults of `spec` and checks every field, throwing a TypeError that
 * names it (`where` prefixes the field, e.g. `Supervisor.startLink: children[1]`).
 */
export function normalizeChildSpec(spec: unknown, where: string): NormalizedChildSpec {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`${where} must be a child spec object, got ${String(spec)}`);
  const { id, start, restart = CHILD_SPEC_DEFAULTS.restart, type = CHILD_SPEC_DEFAULTS.type } = spec as Partial<ChildSpec>;
  if (typeof id !== 'string' || id.length === 0) throw new TypeError(`${where}.id must be a non-empty string, got ${String(id)}`);
  checkStart(start, `${where}.start`);
  if (!RESTART_TYPES.includes(restart)) {
    throw new TypeError(`${where}.restart must be 'permanent', 'transient' or 'temporary', got ${String(restart)}`);
  }
  if (!CHILD_TYPES.includes(type)) throw new TypeError(`${where}.type must be 'worker' or 'supervisor', got ${String(type)}`);
  const shutdown = (spec as Partial<ChildSpec>).shutdown ?? CHILD_SPEC_DEFAULTS.shutdown[type];
  checkShutdown(shutdown, `${where}.shutdown`);
  return { id, start: start as NormalizedChildSpec['start'], restart, shutdown, type };
}

function checkStart(start: unknown, field: string): void {
  if (typeof start === 'function') return;
  if (typeof start === 'object' && start !== null) {
    const { module, options } = start as Partial<ChildModuleStart>;
    if (typeof module !== 'object' || module === null || typeof module.init !== 'function') {
      throw new TypeError(`${field}.module must be a GenServer callback module (an object with init), got ${String(module)}`);
    }
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`${field}.options must be an object, got ${String(options)}`);
    }
    return;
  }
  throw new TypeError(`${field} must be a function (caller) => StartResult or { module, args }, got ${String(start)}`);
}

/** Throws a TypeError naming `field` unless `shutdown` is 'brutal_kill', 'infinity' or a non-negative integer. */
export function checkShutdown(shutdown: unknown, field: string): asserts shutdown is Shutdown {
  if (shutdown === 'brutal_kill' || shutdown === 'infinity') return;
  if (typeof shutdown === 'number' && Number.isInteger(shutdown) && shutdown >= 0) return;
  throw new TypeError(`${field} must be 'brutal_kill', 'infinity' or a non-negative integer of milliseconds, got ${String(shutdown)}`);
}
