// test/gen-event/fixtures.ts
// Small event handlers for the gen_event tests: a recorder that logs every callback, and a runtime with a captured logger.
import { Runtime, type Logger } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { ok, reply, stopInit } from '../../src/index.js';
import { removeHandler, type EventHandler } from '../../src/gen-event/callbacks.js';

export type RecorderTypes = {
  state: { name: string; seen: unknown[] };
  event: unknown;
  call: 'seen' | 'crash' | 'bad' | 'remove';
  reply: unknown[] | 'removed';
  args: string;
};

/**
 * Logs `[name, callback, argument]` into `log`. Events `'crash'` throw, `'bad'` return a bad
 * value, `'remove'` return removeHandler; calls do the same.
 */
export function recorder(log: unknown[]): EventHandler<RecorderTypes> {
  return {
    init(name) {
      if (name === 'refuse') return stopInit('refused');
      if (name === 'throw') throw new Error('init failed');
      log.push([name, 'init']);
      return ok({ name, seen: [] });
    },
    handleEvent(event, state) {
      log.push([state.name, 'event', event]);
      if (event === 'crash') throw new Error(`${state.name} crashed`);
      if (event === 'bad') return 'nonsense' as never;
      if (event === 'remove') return removeHandler();
      return ok({ ...state, seen: [...state.seen, event] });
    },
    handleCall(request, state) {
      if (request === 'crash') throw new Error('call crashed');
      if (request === 'bad') return 'nonsense' as never;
      if (request === 'remove') return removeHandler('removed' as const);
      return reply(state.seen, state);
    },
    handleInfo(info, state) {
      log.push([state.name, 'info', info]);
      return ok(state);
    },
    terminate(reason, state) {
      log.push([state.name, 'terminate', reason]);
      return `${state.name} terminated`;
    },
  };
}

/** A runtime on a virtual clock whose logger keeps what it is given. */
export function testRuntime(): { rt: Runtime; clock: VirtualClock; logged: { level: string; message: string }[] } {
  const clock = new VirtualClock();
  const logged: { level: string; message: string }[] = [];
  const logger: Logger = {
    error: (message) => logged.push({ level: 'error', message }),
    warn: (message) => logged.push({ level: 'warn', message }),
    info: (message) => logged.push({ level: 'info', message }),
  };
  return { rt: new Runtime({ clock, longScheduleMs: false, logger }), clock, logged };
}
