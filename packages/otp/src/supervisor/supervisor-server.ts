// The supervisor as a gen_server callback module (as in OTP): starts children in order,
// restarts them per strategy within the restart intensity, stops them in reverse order.
import { isCrash, isExitMessage, type ExitMessage, type ExitReason, type Pid, type ProcessContext } from '@troupe/runtime';
import { GenServer } from '../gen-server/gen-server.js';
import { noreply, ok, reply, stop, stopInit, type GenServer as GenServerModule, type NoreplyOrStop } from '../gen-server/callbacks.js';
import { shutdownChild, startChildProcess } from './child-process.js';
import type { ChildType, NormalizedChildSpec } from './child-spec.js';
import { reportError, type Offender, type ReportContext } from './reports.js';
import { RestartIntensity } from './restart-intensity.js';
import { affectedChildren, type RestartStrategy } from './strategies.js';

/** One child of a static supervisor; `pid` is `'restarting'` while a failed restart is retried. */
export interface ChildRecord {
  readonly spec: NormalizedChildSpec;
  pid: Pid | 'restarting' | undefined;
}

/** What `init` gets: the validated supervisor spec. */
export interface SupervisorArgs {
  readonly strategy: RestartStrategy;
  readonly intensity: number;
  readonly periodMs: number;
  readonly children: readonly NormalizedChildSpec[];
  readonly name: string | undefined;
}

/** The supervisor's state (what sys.getState shows). Children are kept in start order. */
export interface SupervisorState {
  readonly name: string;
  readonly strategy: RestartStrategy;
  readonly restarts: RestartIntensity;
  children: ChildRecord[];
}

/** One child as `whichChildren` lists it (Erlang's `{Id, Child, Type, Modules}`). */
export interface ChildInfo {
  readonly id: string | undefined;
  readonly pid: Pid | 'restarting' | undefined;
  readonly type: ChildType;
}

/** What `countChildren` answers (Erlang's `[{specs,_},{active,_},{supervisors,_},{workers,_}]`). */
export interface ChildCounts {
  readonly specs: number;
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}

export type SupervisorRequest =
  | { readonly kind: 'start_child'; readonly spec: NormalizedChildSpec }
  | { readonly kind: 'terminate_child'; readonly id: string }
  | { readonly kind: 'restart_child'; readonly id: string }
  | { readonly kind: 'delete_child'; readonly id: string }
  | { readonly kind: 'get_childspec'; readonly id: string }
  | { readonly kind: 'which_children' }
  | { readonly kind: 'count_children' };

type SupervisorTypes = {
  state: SupervisorState;
  args: SupervisorArgs;
  call: SupervisorRequest;
  reply: unknown;
  cast: { readonly kind: 'try_again_restart'; readonly id: string };
  info: ExitMessage;
};

type Result = NoreplyOrStop<SupervisorState, unknown>;

/** The supervisor callback module; `Supervisor.startLink` runs it under gen_server. */
export const SupervisorServer: GenServerModule<SupervisorTypes> = {
  async init(args, self) {
    self.trapExit(true);
    const state: SupervisorState = {
      name: args.name ?? String(self.pid),
      strategy: args.strategy,
      restarts: new RestartIntensity(args.intensity, args.periodMs, self.clock),
      children: args.children.map((spec) => ({ spec, pid: undefined })),
    };
    const failure = await startInOrder(self, state, [...state.children]);
    if (failure === undefined) return ok(state);
    await terminateInReverse(self, state, state.children);
    return stopInit({ kind: 'shutdown', detail: { kind: 'failed_to_start_child', id: failure.id, reason: failure.reason } });
  },

  async handleCall(request, _from, state, self) {
    switch (request.kind) {
      case 'which_children':
        return reply([...state.children].reverse().map(({ spec, pid }) => ({ id: spec.id, pid, type: spec.type })), state);
      case 'count_children':
        return reply(countChildren(self, state.children), state);
      case 'start_child':
        return reply(await startNewChild(self, state, request.spec), state);
      default:
        break;
    }
    const child = state.children.find((c) => c.spec.id === request.id);
    if (child === undefined) return reply({ kind: 'error', reason: 'not_found' }, state);
    switch (request.kind) {
      case 'get_childspec':
        return reply({ kind: 'ok', spec: child.spec }, state);
      case 'terminate_child':
        await terminateInReverse(self, state, [child]);
        return reply({ kind: 'ok' }, state);
      case 'delete_child':
        if (child.pid !== undefined) return reply({ kind: 'error', reason: child.pid === 'restarting' ? 'restarting' : 'running' }, state);
        state.children = state.children.filter((c) => c !== child);
        return reply({ kind: 'ok' }, state);
      case 'restart_child': {
        if (child.pid !== undefined) return reply({ kind: 'error', reason: child.pid === 'restarting' ? 'restarting' : 'running' }, state);
        const result = await startChildProcess(self, child.spec);
        if (result.kind === 'error') return reply(result, state);
        child.pid = result.kind === 'ok' ? result.pid : undefined;
        return reply({ kind: 'ok', pid: child.pid }, state);
      }
    }
  },

  // A restart that failed is retried through the mailbox, so calls (even a shutdown) get in between.
  async handleCast(request, state, self) {
    const child = state.children.find((c) => c.spec.id === request.id);
    if (child?.pid !== 'restarting') return noreply(state);
    return restart(self, state, child);
  },

  async handleInfo(message, state, self) {
    if (!isExitMessage(message)) {
      self.logger.error(`supervisor ${state.name} received an unexpected message`, { message });
      return noreply(state);
    }
    const child = state.children.find((c) => typeof c.pid === 'object' && c.pid.equals(message.from));
    if (child === undefined) return noreply(state);
    return childExited(self, state, child, message.reason);
  },

  async terminate(_reason, state, self) {
    await terminateInReverse(self, state, state.children);
  },
};

// OTP's do_restart: whether a terminated child is restarted depends on its restart type and reason.
async function childExited(self: ProcessContext, state: SupervisorState, child: ChildRecord, reason: ExitReason): Promise<Result> {
  const { restart: type } = child.spec;
  if (type === 'permanent' || (type === 'transient' && isCrash(reason))) {
    report(self, state, 'child_terminated', reason, child);
    return restart(self, state, child);
  }
  if (isCrash(reason)) report(self, state, 'child_terminated', reason, child);
  forget(state, child);
  return noreply(state);
}

async function restart(self: ProcessContext, state: SupervisorState, child: ChildRecord): Promise<Result> {
  if (state.restarts.record() === 'exceeded') {
    report(self, state, 'shutdown', 'reached_max_restart_intensity', child);
    forget(state, child);
    return stop('shutdown', state);
  }
  const group = affectedChildren(state.strategy, state.children, state.children.indexOf(child));
  child.pid = undefined;
  await terminateInReverse(self, state, group);
  const failure = await startInOrder(self, state, group.filter((c) => state.children.includes(c)));
  if (failure !== undefined) {
    const failed = state.children.find((c) => c.spec.id === failure.id)!;
    failed.pid = 'restarting';
    GenServer.cast(self, self.pid, { kind: 'try_again_restart', id: failure.id });
  }
  return noreply(state);
}

/** Starts `group` in order; stops at the first failure (reported) and returns it. */
async function startInOrder(self: ProcessContext, state: SupervisorState, group: ChildRecord[]) {
  for (const child of group) {
    const result = await startChildProcess(self, child.spec);
    if (result.kind === 'error') {
      report(self, state, 'start_error', result.reason, child);
      return { id: child.spec.id, reason: result.reason };
    }
    child.pid = result.kind === 'ok' ? result.pid : undefined;
    if (child.pid === undefined && child.spec.restart === 'temporary') state.children = state.children.filter((c) => c !== child);
  }
  return undefined;
}

/** Stops the running children of `group`, last started first; temporary ones are forgotten. */
async function terminateInReverse(self: ProcessContext, state: SupervisorState, group: readonly ChildRecord[]): Promise<void> {
  for (const child of [...group].reverse()) {
    const pid = child.pid;
    if (typeof pid === 'object') {
      const unexpected = await shutdownChild(self, pid, child.spec.shutdown, child.spec.restart);
      if (unexpected !== undefined) report(self, state, 'shutdown_error', unexpected, child);
    }
    forget(state, child);
  }
}

/** OTP's del_child: a temporary child's spec goes; any other keeps its spec without a pid. */
function forget(state: SupervisorState, child: ChildRecord): void {
  if (child.spec.restart === 'temporary') state.children = state.children.filter((c) => c !== child);
  else child.pid = undefined;
}

async function startNewChild(self: ProcessContext, state: SupervisorState, spec: NormalizedChildSpec) {
  const existing = state.children.find((c) => c.spec.id === spec.id);
  if (existing !== undefined) {
    const pid = existing.pid;
    return { kind: 'error', reason: typeof pid === 'object' ? { kind: 'already_started', pid } : 'already_present' } as const;
  }
  const result = await startChildProcess(self, spec);
  if (result.kind === 'error') return result;
  const pid = result.kind === 'ok' ? result.pid : undefined;
  if (pid !== undefined || spec.restart !== 'temporary') state.children.push({ spec, pid });
  return { kind: 'ok', pid } as const;
}

function countChildren(self: ProcessContext, children: readonly ChildRecord[]): ChildCounts {
  let active = 0;
  let supervisors = 0;
  for (const { spec, pid } of children) {
    if (typeof pid === 'object' && self.isAlive(pid)) active++;
    if (spec.type === 'supervisor') supervisors++;
  }
  return { specs: children.length, active, supervisors, workers: children.length - supervisors };
}

function report(self: ProcessContext, state: SupervisorState, context: ReportContext, reason: ExitReason, child: ChildRecord): void {
  reportError(self, state.name, context, reason, offenderOf(child));
}

function offenderOf({ spec, pid }: ChildRecord): Offender {
  return { id: spec.id, pid: typeof pid === 'object' ? pid : undefined, restart: spec.restart, shutdown: spec.shutdown, type: spec.type };
}
