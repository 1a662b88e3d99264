// gen-event/gen-event.ts
// The gen_event API: start a manager, add/delete/swap handlers, notify, syncNotify, call, whichHandlers, stop.
import { ProcessContext, type ExitReason, type Pid } from '@troupe/runtime';
import { checkServerRef, type ServerRef } from '../gen/server-ref.js';
import { callAs, checkTimeout, DEFAULT_CALL_TIMEOUT_MS } from '../gen/call.js';
import { requestSteps } from '../gen/request.js';
import type { From } from '../gen/from.js';
import { stop } from '../gen/stop.js';
import { perform, type Caller, type Operation } from '../proc/operation.js';
import { startBehaviour, type BehaviourStartOptions, type StartResult } from '../proc/start.js';
import type { AnyEventHandler, EventHandler, HandlerArgsOf, HandlerCallOf, HandlerEventOf, HandlerId, HandlerReplyOf, HandlerTypes } from './callbacks.js';
import { HandlerCallError } from '../errors.js';
import type { AddResult, CallResult, DeleteResult } from './handler-table.js';
import { ManagerProcess, type ManagerRequest, type NotifyMessage } from './manager.js';

declare const eventType: unique symbol;

/**
 * An event manager reference that knows the events it takes (`GenEvent.ref<E>(pidOrName)`):
 * notify checks them, addHandler checks the handler takes them. A plain pid or name takes anything.
 */
export type EventManagerRef<E = unknown> = ServerRef & { readonly [eventType]?: E };

/** Options of `GenEvent.start` and `GenEvent.startLink`. */
export type EventManagerStartOptions = BehaviourStartOptions;

/** `ok` | `{error, Reason}` of addHandler/swapHandler: the reason init refused with, or why it failed. */
export type AddHandlerResult = AddResult;
/** What deleteHandler answers: terminate's result, or `{error, module_not_found}` / the error terminate threw. */
export type DeleteHandlerResult = DeleteResult;

function checkHandler(fn: string, id: unknown, handler: unknown): void {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError(`${fn}: id must be a non-empty string, got ${String(id)}`);
  const h = handler as Partial<Record<string, unknown>> | null;
  if (typeof h !== 'object' || h === null) throw new TypeError(`${fn}: handler must be an EventHandler object`);
  for (const name of ['init', 'handleEvent', 'handleCall']) {
    if (typeof h[name] !== 'function') throw new TypeError(`${fn}: handler.${name} must be a function, got ${typeof h[name]}`);
  }
  for (const name of ['handleInfo', 'terminate']) {
    if (h[name] !== undefined && typeof h[name] !== 'function') throw new TypeError(`${fn}: handler.${name} must be a function`);
  }
}

function ownerOf(fn: string, caller: unknown): Pid {
  if (!(caller instanceof ProcessContext)) throw new TypeError(`${fn}: the caller must be a process (its self): the handler is linked to it`);
  return caller.pid;
}

// The manager's own requests never time out (OTP calls them with infinity).
function rpc<C extends Caller, T>(caller: C, fn: string, manager: ServerRef, request: ManagerRequest): Operation<C, T> {
  return callAs(fn, caller, manager, request, Infinity);
}

/** The optional last argument: init's args, which may be left out when the handler's init takes none. */
type ArgsTuple<T extends HandlerTypes> = undefined extends HandlerArgsOf<T> ? [args?: HandlerArgsOf<T>] : [args: HandlerArgsOf<T>];

function startManager<C extends Caller>(caller: C, link: boolean, options: EventManagerStartOptions | undefined): Operation<C, StartResult> {
  const name = typeof options === 'object' && options !== null ? options.name : undefined;
  return startBehaviour(link ? 'GenEvent.startLink' : 'GenEvent.start', caller, (starter) => new ManagerProcess(starter, name), link, options);
}

/**
 * The gen_event API (Erlang's `gen_event` module). Every function takes the caller first: a
 * process's `self` (yield* or await the result) or a Runtime (a Promise).
 */
export const GenEvent = {
  /** Starts an event manager with no handlers, not linked (`gen_event:start/0,1,2`). */
  start<C extends Caller>(caller: C, options: EventManagerStartOptions = {}): Operation<C, StartResult> {
    return startManager(caller, false, options);
  },

  /** Starts an event manager linked to the calling process (`gen_event:start_link/0,1,2`). */
  startLink<C extends Caller>(caller: C, options: EventManagerStartOptions = {}): Operation<C, StartResult> {
    return startManager(caller, true, options);
  },

  /**
   * Adds a handler (`gen_event:add_handler/3`): its init runs in the manager. `{kind: 'ok'}`, or
   * `{kind: 'error', reason}` if init refused (`stopInit(reason)`), threw, or returned a bad value.
   */
  addHandler<C extends Caller, T extends HandlerTypes>(
    caller: C,
    manager: EventManagerRef<HandlerEventOf<T>>,
    id: HandlerId<HandlerCallOf<T>, HandlerReplyOf<T>>,
    handler: EventHandler<T>,
    ...[args]: ArgsTuple<T>
  ): Operation<C, AddHandlerResult> {
    checkHandler('GenEvent.addHandler', id, handler);
    return rpc(caller, 'GenEvent.addHandler', manager, { kind: '$gen_event', op: 'add_handler', id, handler, args, owner: undefined });
  },

  /**
   * Adds a handler supervised by the calling process (`gen_event:add_sup_handler/3`): the
   * manager links to it; when the handler is removed, the caller gets a
   * {@link GenEventExitMessage}; when the caller exits, the handler is removed
   * (terminate gets `{kind: 'stop', reason}`). Only a process can supervise.
   */
  addSupHandler<T extends HandlerTypes>(
    self: ProcessContext,
    manager: EventManagerRef<HandlerEventOf<T>>,
    id: HandlerId<HandlerCallOf<T>, HandlerReplyOf<T>>,
    handler: EventHandler<T>,
    ...[args]: ArgsTuple<T>
  ): Operation<ProcessContext, AddHandlerResult> {
    checkHandler('GenEvent.addSupHandler', id, handler);
    const owner = ownerOf('GenEvent.addSupHandler', self);
    return rpc(self, 'GenEvent.addSupHandler', manager, { kind: '$gen_event', op: 'add_handler', id, handler, args, owner });
  },

  /** Removes a handler, calling its terminate(args) (`gen_event:delete_handler/3`); answers what terminate returned. */
  deleteHandler<C extends Caller>(caller: C, manager: ServerRef, id: HandlerId, args?: unknown): Operation<C, DeleteHandlerResult> {
    return rpc(caller, 'GenEvent.deleteHandler', manager, { kind: '$gen_event', op: 'delete_handler', id, args });
  },

  /**
   * Replaces a handler (`gen_event:swap_handler/3`): terminate(old.args) on the old one, then
   * init({ args: next.args, previous: <its terminate result> }) on the new one, which keeps the
   * old one's supervisor. The new one is added even if the old one was not installed.
   */
  swapHandler<C extends Caller>(
    caller: C,
    manager: ServerRef,
    old: { readonly id: HandlerId; readonly args?: unknown },
    next: { readonly id: HandlerId; readonly handler: AnyEventHandler; readonly args?: unknown },
  ): Operation<C, AddHandlerResult> {
    checkHandler('GenEvent.swapHandler', next.id, next.handler);
    const request: ManagerRequest = { kind: '$gen_event', op: 'swap_handler', old: { id: old.id, args: old.args }, next: { ...next, args: next.args }, owner: undefined };
    return rpc(caller, 'GenEvent.swapHandler', manager, request);
  },

  /** Like swapHandler, and the new handler is supervised by the calling process (`gen_event:swap_sup_handler/3`). */
  swapSupHandler(
    self: ProcessContext,
    manager: ServerRef,
    old: { readonly id: HandlerId; readonly args?: unknown },
    next: { readonly id: HandlerId; readonly handler: AnyEventHandler; readonly args?: unknown },
  ): Operation<ProcessContext, AddHandlerResult> {
    checkHandler('GenEvent.swapSupHandler', next.id, next.handler);
    const owner = ownerOf('GenEvent.swapSupHandler', self);
    const request: ManagerRequest = { kind: '$gen_event', op: 'swap_handler', old: { id: old.id, args: old.args }, next: { ...next, args: next.args }, owner };
    return rpc(self, 'GenEvent.swapSupHandler', manager, request);
  },

  /**
   * Sends `event` to every handler, without waiting (`gen_event:notify/2`). Never fails for a
   * dead manager; an unregistered local name throws BadArgError, as in OTP.
   */
  notify<E>(caller: Caller, manager: EventManagerRef<E>, event: NoInfer<E>): void {
    checkServerRef('GenEvent.notify', manager);
    caller.send(manager, { kind: '$gen_event_notify', event } satisfies NotifyMessage);
  },

  /** Sends `event` to every handler and returns once all have handled it (`gen_event:sync_notify/2`). */
  syncNotify<C extends Caller, E>(caller: C, manager: EventManagerRef<E>, event: NoInfer<E>): Operation<C, 'ok'> {
    return rpc(caller, 'GenEvent.syncNotify', manager, { kind: '$gen_event', op: 'sync_notify', event });
  },

  /**
   * Calls one handler's handleCall (`gen_event:call/4`, default timeout 5000 ms) and returns its
   * reply. Throws {@link HandlerCallError} when no such handler is installed (`'bad_module'`) or
   * its handleCall failed (it is then removed); CallTimeoutError/CallExitError as any call.
   */
  call<C extends Caller, Request, Reply>(
    caller: C,
    manager: ServerRef,
    id: HandlerId<Request, Reply>,
    request: NoInfer<Request>,
    timeoutMs: number = DEFAULT_CALL_TIMEOUT_MS,
  ): Operation<C, Reply> {
    checkServerRef('GenEvent.call', manager);
    checkTimeout('GenEvent.call', timeoutMs);
    const message = (from: From): unknown => ({ kind: '$gen_call', from, request: { kind: '$gen_event', op: 'call', id, request } });
    return perform(caller, function* (self) {
      const answer = (yield* requestSteps(self, manager, message, timeoutMs)) as CallResult;
      if (answer.kind === 'error') throw new HandlerCallError(manager, id, answer.reason as ExitReason);
      return answer.reply as Reply;
    }) as Operation<C, Reply>;
  },

  /** The installed handler ids, newest first (`gen_event:which_handlers/1`). */
  whichHandlers<C extends Caller>(caller: C, manager: ServerRef): Operation<C, HandlerId[]> {
    return rpc(caller, 'GenEvent.whichHandlers', manager, { kind: '$gen_event', op: 'which_handlers' });
  },

  /** `gen_event:stop/3`: every handler's terminate('stop') runs, then the manager exits with `reason`. */
  stop,

  /** Types a manager reference with the events it takes: `GenEvent.ref<LogEvent>('log')`. */
  ref<E>(manager: ServerRef): EventManagerRef<E> {
    return manager as EventManagerRef<E>;
  },
};
