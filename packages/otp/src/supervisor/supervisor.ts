// The supervisor API: start a supervision tree node and manage its children at run time.
import type { ExitReason, Pid } from '@troupe/runtime';
import { call } from '../gen/call.js';
import type { ServerPid, ServerRef } from '../gen/server-ref.js';
import { serverBody } from '../gen-server/gen-server.js';
import type { GenServer as GenServerModule, ServerTypes } from '../gen-server/callbacks.js';
import type { Caller, Operation } from '../proc/operation.js';
import { startBehaviour, type AlreadyStartedReason, type StartResult } from '../proc/start.js';
import { normalizeChildSpec, type ChildSpec, type NormalizedChildSpec, type RestartType, type Shutdown } from './child-spec.js';
import { checkIntensity, RESTART_INTENSITY_DEFAULTS } from './restart-intensity.js';
import { RESTART_STRATEGIES, type RestartStrategy } from './strategies.js';
import { SupervisorServer, type ChildCounts, type ChildInfo, type SupervisorArgs, type SupervisorRequest } from './supervisor-server.js';

/** A supervisor's flags and children (what Erlang's `Module:init/1` returns as `{ok, {SupFlags, ChildSpecs}}`). */
export interface SupervisorSpec {
  /** Default `'one_for_one'`. */
  readonly strategy?: RestartStrategy;
  /** At most this many restarts… (default 1) */
  readonly intensity?: number;
  /** …within this many milliseconds (default 5000), or the supervisor gives up. */
  readonly periodMs?: number;
  /** Started in this order, stopped in the reverse one. */
  readonly children?: readonly ChildSpec[];
}

/** Options of `Supervisor.start` and `Supervisor.startLink`. */
export interface SupervisorStartOptions {
  /** Register the supervisor under this local name. */
  readonly name?: string;
  /** Milliseconds starting all children may take (default Infinity). */
  readonly timeoutMs?: number;
}

/** A supervisor's pid, typed for its requests. */
export type SupervisorPid = ServerPid<SupervisorRequest, never, unknown>;

/** `{ok, Child}` or `{error, already_present | {already_started, Pid} | Reason}`. */
export type StartChildResult =
  | { readonly kind: 'ok'; readonly pid: Pid | undefined }
  | { readonly kind: 'error'; readonly reason: 'already_present' | AlreadyStartedReason | ExitReason };
/** `ok` or `{error, not_found}`. */
export type TerminateChildResult = { readonly kind: 'ok' } | { readonly kind: 'error'; readonly reason: 'not_found' };
/** `{ok, Child}` or `{error, running | restarting | not_found | Reason}`. */
export type RestartChildResult =
  | { readonly kind: 'ok'; readonly pid: Pid | undefined }
  | { readonly kind: 'error'; readonly reason: 'running' | 'restarting' | 'not_found' | ExitReason };
/** `ok` or `{error, running | restarting | not_found}`. */
export type DeleteChildResult = { readonly kind: 'ok' } | { readonly kind: 'error'; readonly reason: 'running' | 'restarting' | 'not_found' };
/** `{ok, ChildSpec}` (with defaults filled in) or `{error, not_found}`. */
export type GetChildSpecResult = { readonly kind: 'ok'; readonly spec: NormalizedChildSpec } | { readonly kind: 'error'; readonly reason: 'not_found' };

function normalizeSpec(fn: string, spec: SupervisorSpec, name: string | undefined): SupervisorArgs {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`${fn}: spec must be an object, got ${String(spec)}`);
  const { strategy = 'one_for_one', intensity = RESTART_INTENSITY_DEFAULTS.intensity, periodMs = RESTART_INTENSITY_DEFAULTS.periodMs } = spec;
  if (!RESTART_STRATEGIES.includes(strategy)) {
    throw new TypeError(`${fn}: strategy must be 'one_for_one', 'one_for_all' or 'rest_for_one', got ${String(strategy)}`);
  }
  checkIntensity(fn, intensity, periodMs);
  const list = spec.children ?? [];
  if (!Array.isArray(list)) throw new TypeError(`${fn}: children must be an array of child specs`);
  const children = list.map((child, index) => normalizeChildSpec(child, `${fn}: children[${index}]`));
  const ids = new Set<string>();
  children.forEach(({ id }, index) => {
    if (ids.has(id)) throw new TypeError(`${fn}: children[${index}].id '${id}' is used by an earlier child (ids must be unique)`);
    ids.add(id);
  });
  return { strategy, intensity, periodMs, children, name };
}

function startSupervisor<C extends Caller>(
  fn: string,
  caller: C,
  spec: SupervisorSpec,
  link: boolean,
  options: SupervisorStartOptions = {},
): Operation<C, StartResult<SupervisorPid>> {
  const args = normalizeSpec(fn, spec, options.name);
  const body = serverBody(SupervisorServer as unknown as GenServerModule<ServerTypes>, args, 'supervisor');
  return startBehaviour(fn, caller, body, link, { name: options.name, timeoutMs: options.timeoutMs }) as Operation<C, StartResult<SupervisorPid>>;
}

function request<C extends Caller, R>(caller: C, supervisor: ServerRef, message: SupervisorRequest): Operation<C, R> {
  return call(caller, supervisor, message, Infinity) as Operation<C, R>;
}

/**
 * Erlang's `supervisor` module. A supervisor is a gen_server that traps exits, starts its
 * children in order (linked), restarts them per its strategy and restart intensity, and
 * stops them in reverse order. Calls to it never time out (OTP uses `infinity`).
 */
export const Supervisor = {
  /**
   * Starts a supervisor linked to the caller (`supervisor:start_link/2,3`). If a child
   * fails to start, the ones already started are stopped and the result is
   * `{kind: 'error', reason: {kind: 'shutdown', detail: {kind: 'failed_to_start_child', id, reason}}}`.
   * Invalid specs throw a TypeError naming the field.
   */
  startLink<C extends Caller>(caller: C, spec: SupervisorSpec, options?: SupervisorStartOptions): Operation<C, StartResult<SupervisorPid>> {
    return startSupervisor('Supervisor.startLink', caller, spec, true, options);
  },
  /** Starts a supervisor not linked to the caller (for tests and plain Node code). */
  start<C extends Caller>(caller: C, spec: SupervisorSpec, options?: SupervisorStartOptions): Operation<C, StartResult<SupervisorPid>> {
    return startSupervisor('Supervisor.start', caller, spec, false, options);
  },
  /** Adds and starts a child (`supervisor:start_child/2`); it is started after, and stopped before, the others. */
  startChild<C extends Caller>(caller: C, supervisor: ServerRef, spec: ChildSpec): Operation<C, StartChildResult> {
    return request(caller, supervisor, { kind: 'start_child', spec: normalizeChildSpec(spec, 'Supervisor.startChild: spec') });
  },
  /** Stops a child by id, keeping its spec unless it is temporary (`supervisor:terminate_child/2`). */
  terminateChild<C extends Caller>(caller: C, supervisor: ServerRef, id: string): Operation<C, TerminateChildResult> {
    return request(caller, supervisor, { kind: 'terminate_child', id });
  },
  /** Starts again a child whose spec is kept but which is not running (`supervisor:restart_child/2`). */
  restartChild<C extends Caller>(caller: C, supervisor: ServerRef, id: string): Operation<C, RestartChildResult> {
    return request(caller, supervisor, { kind: 'restart_child', id });
  },
  /** Forgets the spec of a child that is not running (`supervisor:delete_child/2`). */
  deleteChild<C extends Caller>(caller: C, supervisor: ServerRef, id: string): Operation<C, DeleteChildResult> {
    return request(caller, supervisor, { kind: 'delete_child', id });
  },
  /** The spec of a child (`supervisor:get_childspec/2`). */
  getChildSpec<C extends Caller>(caller: C, supervisor: ServerRef, id: string): Operation<C, GetChildSpecResult> {
    return request(caller, supervisor, { kind: 'get_childspec', id });
  },
  /** Every child, most recently started first, as OTP lists them (`supervisor:which_children/1`). */
  whichChildren<C extends Caller>(caller: C, supervisor: ServerRef): Operation<C, ChildInfo[]> {
    return request(caller, supervisor, { kind: 'which_children' });
  },
  /** Counts of specs, running children, supervisors and workers (`supervisor:count_children/1`). */
  countChildren<C extends Caller>(caller: C, supervisor: ServerRef): Operation<C, ChildCounts> {
    return request(caller, supervisor, { kind: 'count_children' });
  },
  /**
   * A child spec that runs a nested supervisor: `type: 'supervisor'`, shutdown `'infinity'`
   * unless overridden, started with `Supervisor.startLink(caller, spec)`.
   */
  childSpec(id: string, spec: SupervisorSpec, overrides: { readonly restart?: RestartType; readonly shutdown?: Shutdown } = {}): ChildSpec {
    normalizeSpec(`Supervisor.childSpec('${id}')`, spec, undefined);
    return { id, type: 'supervisor', start: (caller) => Supervisor.startLink(caller, spec), ...overrides };
  },
};
