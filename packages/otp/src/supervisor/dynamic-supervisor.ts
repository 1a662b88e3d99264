// DynamicSupervisor: children started on demand from one template (OTP's simple_one_for_one).
import { isCrash, isExitMessage, type ExitMessage, type ExitReason, type Pid, type ProcessContext } from '@troupe/runtime';
import { call } from '../gen/call.js';
import type { ServerPid, TypedServerRef } from '../gen/server-ref.js';
import { GenServer, serverBody } from '../gen-server/gen-server.js';
import { noreply, ok, reply, stop, type GenServer as GenServerModule, type ServerTypes } from '../gen-server/callbacks.js';
import type { Caller, Operation } from '../proc/operation.js';
import { startBehaviour, type StartResult } from '../proc/start.js';
import { shutdownChild, shutdownChildren, startChildProcess } from './child-process.js';
import { normalizeChildSpec, type ChildSpec, type ChildStartFunction, type NormalizedChildSpec } from './child-spec.js';
import { reportError, type ReportContext } from './reports.js';
import { checkIntensity, RESTART_INTENSITY_DEFAULTS, RestartIntensity } from './restart-intensity.js';
import type { ChildCounts, ChildInfo } from './supervisor-server.js';
import type { StartChildResult, SupervisorStartOptions, TerminateChildResult } from './supervisor.js';

/** The template every child is started from; `start` receives the `extra` given to startChild. */
export interface ChildTemplate<Extra> extends Omit<ChildSpec, 'id' | 'start'> {
  readonly id?: string;
  readonly start: ChildStartFunction<[extra: Extra]>;
}

/** A dynamic supervisor's template and restart intensity. */
export interface DynamicSupervisorSpec<Extra> {
  readonly child: ChildTemplate<Extra>;
  readonly intensity?: number;
  readonly periodMs?: number;
}

type DynamicRequest<Extra> =
  | { readonly kind: 'start_child'; readonly extra: Extra }
  | { readonly kind: 'terminate_child'; readonly pid: Pid }
  | { readonly kind: 'which_children' }
  | { readonly kind: 'count_children' };

/** A dynamic supervisor's pid, typed for the `extra` its children are started with. */
export type DynamicSupervisorPid<Extra> = ServerPid<DynamicRequest<Extra>, never, unknown>;

interface DynamicChild {
  pid: Pid;
  readonly extra: unknown;
  restarting: boolean;
}

interface DynamicState {
  readonly name: string;
  readonly template: NormalizedChildSpec;
  readonly restarts: RestartIntensity;
  /** By the key of the child's pid (its last pid while restarting), in start order. */
  readonly children: Map<string, DynamicChild>;
}

interface DynamicArgs {
  readonly template: NormalizedChildSpec;
  readonly intensity: number;
  readonly periodMs: number;
  readonly name: string | undefined;
}

type DynamicTypes = {
  state: DynamicState;
  args: DynamicArgs;
  call: DynamicRequest<unknown>;
  reply: unknown;
  cast: { readonly kind: 'try_again_restart'; readonly key: string };
  info: ExitMessage;
};

const DynamicSupervisorServer: GenServerModule<DynamicTypes> = {
  init(args, self) {
    self.trapExit(true);
    const restarts = new RestartIntensity(args.intensity, args.periodMs, self.clock);
    return ok({ name: args.name ?? String(self.pid), template: args.template, restarts, children: new Map() });
  },

  async handleCall(request, _from, state, self) {
    switch (request.kind) {
      case 'start_child': {
        const result = await startChildProcess(self, state.template, [request.extra]);
        if (result.kind === 'error') return reply(result, state);
        if (result.kind === 'ignore') return reply({ kind: 'ok', pid: undefined }, state);
        state.children.set(result.pid.key, { pid: result.pid, extra: request.extra, restarting: false });
        return reply({ kind: 'ok', pid: result.pid }, state);
      }
      case 'terminate_child': {
        const child = state.children.get(request.pid.key);
        if (child === undefined) return reply(self.isAlive(request.pid) ? { kind: 'error', reason: 'not_found' } : { kind: 'ok' }, state);
        state.children.delete(request.pid.key);
        if (!child.restarting) {
          const unexpected = await shutdownChild(self, child.pid, state.template.shutdown, state.template.restart);
          if (unexpected !== undefined) report(self, state, 'shutdown_error', unexpected, child.pid);
        }
        return reply({ kind: 'ok' }, state);
      }
      case 'which_children': {
        const type = state.template.type;
        return reply([...state.children.values()].map((c) => ({ id: undefined, pid: c.restarting ? 'restarting' : c.pid, type })), state);
      }
      case 'count_children': {
        const size = state.children.size;
        const active = [...state.children.values()].filter((c) => !c.restarting).length;
        const supervisors = state.template.type === 'supervisor' ? size : 0;
        return reply({ specs: 1, active, supervisors, workers: size - supervisors }, state);
      }
    }
  },

  async handleCast(request, state, self) {
    const child = state.children.get(request.key);
    if (child === undefined || !child.restarting) return noreply(state);
    return restart(self, state, request.key, child);
  },

  async handleInfo(message, state, self) {
    if (!isExitMessage(message)) {
      self.logger.error(`supervisor ${state.name} received an unexpected message`, { message });
      return noreply(state);
    }
    const key = message.from.key;
    const child = state.children.get(key);
    if (child === undefined || child.restarting) return noreply(state);
    const type = state.template.restart;
    if (type === 'permanent' || (type === 'transient' && isCrash(message.reason))) {
      report(self, state, 'child_terminated', message.reason, child.pid);
      return restart(self, state, key, child);
    }
    if (isCrash(message.reason)) report(self, state, 'child_terminated', message.reason, child.pid);
    state.children.delete(key);
    return noreply(state);
  },

  // Children of a dynamic supervisor have no order: they are all stopped at once.
  async terminate(_reason, state, self) {
    const pids = [...state.children.values()].filter((c) => !c.restarting).map((c) => c.pid);
    const unexpected = await shutdownChildren(self, pids, state.template.shutdown, state.template.restart);
    for (const [pid, reason] of unexpected) report(self, state, 'shutdown_error', reason, pid);
  },
};

async function restart(self: ProcessContext, state: DynamicState, key: string, child: DynamicChild) {
  if (state.restarts.record() === 'exceeded') {
    report(self, state, 'shutdown', 'reached_max_restart_intensity', child.pid);
    state.children.delete(key);
    return stop('shutdown', state);
  }
  const result = await startChildProcess(self, state.template, [child.extra]);
  if (result.kind === 'error') {
    report(self, state, 'start_error', result.reason, child.pid);
    child.restarting = true;
    GenServer.cast(self, self.pid, { kind: 'try_again_restart', key });
    return noreply(state);
  }
  state.children.delete(key);
  // A child that answers ignore on restart is dropped, as start_child does with it.
  if (result.kind === 'ok') state.children.set(result.pid.key, { pid: result.pid, extra: child.extra, restarting: false });
  return noreply(state);
}

function report(self: ProcessContext, state: DynamicState, context: ReportContext, reason: ExitReason, pid: Pid): void {
  const { restart, shutdown, type } = state.template;
  reportError(self, state.name, context, reason, { id: undefined, pid, restart, shutdown, type });
}

function startDynamic<C extends Caller, Extra>(
  fn: string,
  caller: C,
  spec: DynamicSupervisorSpec<Extra>,
  link: boolean,
  options: SupervisorStartOptions = {},
): Operation<C, StartResult<DynamicSupervisorPid<Extra>>> {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`${fn}: spec must be an object, got ${String(spec)}`);
  const { intensity = RESTART_INTENSITY_DEFAULTS.intensity, periodMs = RESTART_INTENSITY_DEFAULTS.periodMs } = spec;
  checkIntensity(fn, intensity, periodMs);
  const child = spec.child as ChildTemplate<Extra> | undefined;
  const template = normalizeChildSpec(child === undefined ? child : { id: 'child', ...child }, `${fn}: child`);
  const args: DynamicArgs = { template, intensity, periodMs, name: options.name };
  const body = serverBody(DynamicSupervisorServer as unknown as GenServerModule<ServerTypes>, args, 'supervisor');
  return startBehaviour(fn, caller, body, link, { name: options.name, timeoutMs: options.timeoutMs }) as Operation<C, StartResult<DynamicSupervisorPid<Extra>>>;
}

/**
 * A supervisor whose children all come from one template and are started on demand
 * (OTP's `simple_one_for_one`; Elixir's DynamicSupervisor). Restarts follow the
 * template's restart type within the restart intensity; on shutdown all children are
 * stopped at once.
 */
export const DynamicSupervisor = {
  /** Starts a dynamic supervisor linked to the caller, with no children yet. */
  startLink<C extends Caller, Extra>(
    caller: C,
    spec: DynamicSupervisorSpec<Extra>,
    options?: SupervisorStartOptions,
  ): Operation<C, StartResult<DynamicSupervisorPid<Extra>>> {
    return startDynamic('DynamicSupervisor.startLink', caller, spec, true, options);
  },
  /** Starts a dynamic supervisor not linked to the caller. */
  start<C extends Caller, Extra>(
    caller: C,
    spec: DynamicSupervisorSpec<Extra>,
    options?: SupervisorStartOptions,
  ): Operation<C, StartResult<DynamicSupervisorPid<Extra>>> {
    return startDynamic('DynamicSupervisor.start', caller, spec, false, options);
  },
  /** Starts a child from the template with `extra` (`supervisor:start_child(Sup, ExtraArgs)`); `ignore` gives `{ok, pid: undefined}`. */
  startChild<C extends Caller, Extra>(
    caller: C,
    supervisor: TypedServerRef<DynamicRequest<Extra>, unknown, unknown>,
    extra: NoInfer<Extra>,
  ): Operation<C, StartChildResult> {
    return call(caller, supervisor, { kind: 'start_child', extra }, Infinity) as Operation<C, StartChildResult>;
  },
  /** Stops a child by pid (`supervisor:terminate_child(Sup, Pid)`); `not_found` if it is alive but not a child. */
  terminateChild<C extends Caller>(caller: C, supervisor: TypedServerRef, pid: Pid): Operation<C, TerminateChildResult> {
    return call(caller, supervisor, { kind: 'terminate_child', pid }, Infinity) as Operation<C, TerminateChildResult>;
  },
  /** Every child in start order (`id` is undefined, as in OTP). */
  whichChildren<C extends Caller>(caller: C, supervisor: TypedServerRef): Operation<C, ChildInfo[]> {
    return call(caller, supervisor, { kind: 'which_children' }, Infinity) as Operation<C, ChildInfo[]>;
  },
  /** `specs` is 1; `active` leaves out children whose restart is being retried. */
  countChildren<C extends Caller>(caller: C, supervisor: TypedServerRef): Operation<C, ChildCounts> {
    return call(caller, supervisor, { kind: 'count_children' }, Infinity) as Operation<C, ChildCounts>;
  },
};
