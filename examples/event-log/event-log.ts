// An event log as a gen_event manager: three handlers, one of them buggy, and a guard that reinstalls it.
import { GenEvent, GenServer, handlerId, isGenEventExit, noreply, ok, reply, type EventHandler, type GenServerModule } from '@troupe/otp';
import { formatReason } from '@troupe/runtime';

export interface LogEvent {
  readonly level: 'info' | 'warn' | 'error';
  readonly text: string;
}

/** The manager, registered as 'event_log' and typed with the events it takes. */
export const eventLog = GenEvent.ref<LogEvent>('event_log');

/** Prints every event. */
export const ConsoleHandler: EventHandler<{ state: null; event: LogEvent }> = {
  init: () => ok(null),
  handleEvent(event, state) {
    console.log(`   [console] ${event.level}: ${event.text}`);
    return ok(state);
  },
  handleCall: (_request, state) => reply(undefined, state),
};

export type Counts = Readonly<Record<LogEvent['level'], number>>;
/** Its id carries the type of its calls: `GenEvent.call(rt, eventLog, counter, 'counts')` is a Counts. */
export const counter = handlerId<'counts', Counts>('counter');

/** Counts events by level; answers `'counts'`. */
export const CounterHandler: EventHandler<{ state: Counts; event: LogEvent; call: 'counts'; reply: Counts }> = {
  init: () => ok({ info: 0, warn: 0, error: 0 }),
  handleEvent: (event, counts) => ok({ ...counts, [event.level]: counts[event.level] + 1 }),
  handleCall: (_request, counts) => reply(counts, counts),
};

/** Pages someone for each error — with a bug on purpose: a long message makes it throw. */
export const AlertHandler: EventHandler<{ state: number; event: LogEvent }> = {
  init: () => ok(0),
  handleEvent(event, sent) {
    if (event.level !== 'error') return ok(sent);
    if (event.text.length > 30) throw new Error(`pager text too long (${event.text.length} chars)`);
    console.log(`   [alert] paging on-call: ${event.text}`);
    return ok(sent + 1);
  },
  handleCall: (_request, sent) => reply(sent, sent),
};

/**
 * A gen_server that adds the alert handler *supervised* (addSupHandler): when the handler
 * is removed — here because it crashed — the manager tells this process with a
 * gen_event_EXIT message, and it installs the handler again. Answers 'reinstalls'.
 */
export type GuardTypes = { state: number; call: 'reinstalls'; reply: number };

export const AlertGuard: GenServerModule<GuardTypes> = {
  async init(_args, self) {
    await GenEvent.addSupHandler(self, eventLog, 'alert', AlertHandler);
    return ok(0);
  },
  handleCall: (_request, _from, reinstalls) => reply(reinstalls, reinstalls),
  async handleInfo(message, reinstalls, self) {
    if (!isGenEventExit(message)) return noreply(reinstalls);
    console.log(`   [guard] told: handler '${message.handler}' was removed (${formatReason(message.reason)}); adding it again`);
    await GenEvent.addSupHandler(self, eventLog, 'alert', AlertHandler);
    return noreply(reinstalls + 1);
  },
};

/** The guard, registered as 'alert_guard'. */
export const alertGuard = GenServer.ref<GuardTypes>('alert_guard');
