// gen-event/manager.ts
// The event manager process: turns notify, call and system messages into work on its handler table.
import { ExitException, isExitMessage, type ExitReason, type HandlerBody, type Pid, type ProcessContext } from '@troupe/runtime';
import { isCallMessage } from '../gen/call.js';
import { reply, type From } from '../gen/from.js';
import { andThen, forEachInOrder, type Later } from '../proc/outcome.js';
import type { Starter } from '../proc/start.js';
import { isSystemMessage, SystemControl, type SystemHooks } from '../proc/system-messages.js';
import type { AnyEventHandler, HandlerId } from './callbacks.js';
import { HandlerTable } from './handler-table.js';

/** `{notify, Event}` */
export interface NotifyMessage {
  readonly kind: '$gen_event_notify';
  readonly event: unknown;
}

/** The requests the manager answers through the call protocol (OTP's add_handler, sync_notify, …). */
export type ManagerRequest = { readonly kind: '$gen_event' } & (
  | { readonly op: 'add_handler'; readonly id: HandlerId; readonly handler: AnyEventHandler; readonly args: unknown; readonly owner: Pid | undefined }
  | { readonly op: 'delete_handler'; readonly id: HandlerId; readonly args: unknown }
  | {
      readonly op: 'swap_handler';
      readonly old: { readonly id: HandlerId; readonly args: unknown };
      readonly next: { readonly id: HandlerId; readonly handler: AnyEventHandler; readonly args: unknown };
      readonly owner: Pid | undefined;
    }
  | { readonly op: 'sync_notify'; readonly event: unknown }
  | { readonly op: 'call'; readonly id: HandlerId; readonly request: unknown }
  | { readonly op: 'which_handlers' }
);

/** Type guard for notify messages. */
export function isNotify(message: unknown): message is NotifyMessage {
  return typeof message === 'object' && message !== null && (message as NotifyMessage).kind === '$gen_event_notify';
}

function isManagerRequest(request: unknown): request is ManagerRequest {
  return typeof request === 'object' && request !== null && (request as ManagerRequest).kind === '$gen_event';
}

/** One event manager process (it traps exits, as OTP's does). */
export class ManagerProcess implements HandlerBody<ProcessContext> {
  readonly #starter: Starter;
  readonly #name: string | undefined;
  readonly #system = new SystemControl();
  #table: HandlerTable | undefined = undefined;

  constructor(starter: Starter, name: string | undefined) {
    this.#starter = starter;
    this.#name = name;
  }

  init(self: ProcessContext): void {
    self.trapExit(true);
    this.#table = new HandlerTable({ self, managerName: this.#name ?? String(self.pid) });
    this.#starter.initAck(self, { kind: 'ok' });
  }

  handle(message: unknown, self: ProcessContext): Later<void> {
    if (isSystemMessage(message)) {
      const answer = this.#system.handle(self, message, this.#hooks(self), (from, value) => reply(self, from, value));
      // After a resume: what was held back while suspended is handled first, in order.
      return andThen(answer, () => forEachInOrder(this.#system.takeDeferred(), (deferred) => this.#dispatch(self, deferred)));
    }
    // The parent's EXIT ends the manager even while it is suspended (sys's suspend loop does the same).
    const parent = this.#starter.parent;
    if (parent !== undefined && isExitMessage(message) && message.from.equals(parent)) return this.#terminate(self, message.reason);
    if (this.#system.suspended) {
      this.#system.defer(message);
      return;
    }
    return this.#dispatch(self, message);
  }

  #dispatch(self: ProcessContext, message: unknown): Later<void> {
    const table = this.#table!;
    if (isNotify(message)) return table.notify(message.event, 'handleEvent');
    // Supervised handlers of the exited process go first; then every handler hears of it.
    if (isExitMessage(message)) return table.ownerExited(message);
    if (isCallMessage(message) && isManagerRequest(message.request)) return this.#request(self, message.from, message.request);
    return table.notify(message, 'handleInfo');
  }

  #request(self: ProcessContext, from: From, request: ManagerRequest): Later<void> {
    const table = this.#table!;
    const answer = (value: unknown): void => reply(self, from, value);
    switch (request.op) {
      case 'add_handler':
        return andThen(table.add(request.id, request.handler, request.args, request.owner), answer);
      case 'delete_handler':
        return andThen(table.delete(request.id, request.args), answer);
      case 'swap_handler':
        return andThen(table.swap(request.old, request.next, request.owner), answer);
      case 'sync_notify':
        return andThen(table.notify(request.event, 'handleEvent'), () => answer('ok'));
      case 'call':
        return andThen(table.call(request.id, request.request), answer);
      default:
        return answer(table.ids());
    }
  }

  #hooks(self: ProcessContext): SystemHooks {
    const table = this.#table!;
    return {
      // OTP's system_get_state: each handler's id and state.
      getState: () => table.states(),
      // OTP applies the function per handler; here it gets the list and returns it changed.
      setState: (states) => {
        if (!Array.isArray(states)) throw new TypeError('gen_event: sys.replaceState must return the [{ id, state }] list');
        const byId = new Map((states as { id: HandlerId; state: unknown }[]).map((entry) => [entry.id, entry]));
        table.replaceStates((entry) => byId.get(entry.id) ?? entry);
      },
      status: () => ({ behaviour: 'gen_event', parent: this.#starter.parent, state: table.states(), handlers: table.ids() }),
      terminate: (reason) => this.#terminate(self, reason),
    };
  }

  // OTP's terminate_server: terminate('stop') every handler, unlink their owners (not the parent), exit.
  #terminate(self: ProcessContext, reason: ExitReason): Later<never> {
    const table = this.#table!;
    const owners = table.owners();
    return andThen(table.stopAll(), () => {
      const parent = this.#starter.parent;
      for (const owner of owners) if (parent === undefined || !owner.equals(parent)) self.unlink(owner);
      throw new ExitException(reason);
    });
  }
}
