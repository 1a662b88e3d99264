// OTP rule (OTP Design Principles, "gen_event Behaviour"; stdlib gen_event: "If a callback function
// for an installed event handler fails ... the event manager does not fail. It deletes the event
// handler ... No other event handler is affected", and add_sup_handler/3): a named event manager
// keeps serving its other handlers when one crashes, and the process supervising the crashed
// handler is told why, and can install it again (the usual OTP pattern).
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger, type ProcessContext } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import { GenEvent, handlerId, isGenEventExit, ok, reply, type EventHandler, type GenEventExitMessage } from '@troupe/otp';

type LogEvent = { readonly level: 'info' | 'error'; readonly text: string };

// Keeps every line; answers 'lines' calls.
type MemoryTypes = { state: string[]; event: LogEvent; call: 'lines'; reply: string[] };
const memory: EventHandler<MemoryTypes> = {
  init: () => ok([]),
  handleEvent: (event, lines) => ok([...lines, `${event.level}: ${event.text}`]),
  handleCall: (request, lines) => reply(lines, lines),
};

// Counts errors; answers 'count' calls.
type CounterTypes = { state: number; event: LogEvent; call: 'count'; reply: number };
const errorCounter: EventHandler<CounterTypes> = {
  init: () => ok(0),
  handleEvent: (event, count) => ok(event.level === 'error' ? count + 1 : count),
  handleCall: (request, count) => reply(count, count),
};

// Ships lines somewhere; chokes on lines it cannot encode.
type ShipperTypes = { state: { shipped: number }; event: LogEvent; call: 'shipped'; reply: number };
const shipper: EventHandler<ShipperTypes> = {
  init: () => ok({ shipped: 0 }),
  handleEvent(event, state) {
    if (event.text.includes('\u0000')) throw new TypeError('cannot encode a NUL byte');
    return ok({ shipped: state.shipped + 1 });
  },
  handleCall: (request, state) => reply(state.shipped, state),
};

const MEMORY = handlerId<'lines', string[]>('memory');
const COUNTER = handlerId<'count', number>('errors');
const SHIPPER = handlerId<'shipped', number>('shipper');

describe('event manager scenario', () => {
  it('survives a crashing handler; its supervisor is told why and installs it again', async () => {
    const clock = new VirtualClock();
    const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
    const started = await GenEvent.start(rt, { name: 'log' });
    expect(started.kind).toBe('ok');
    const log = GenEvent.ref<LogEvent>('log');
    await GenEvent.addHandler(rt, log, MEMORY, memory);
    await GenEvent.addHandler(rt, log, COUNTER, errorCounter);

    // The supervisor of the shipper: re-adds it each time it is removed by an error.
    const removals: GenEventExitMessage[] = [];
    rt.spawn(async (self: ProcessContext) => {
      for (;;) {
        const added = await GenEvent.addSupHandler(self, log, SHIPPER, shipper);
        if (added.kind !== 'ok') return;
        const exit = await self.receive(isGenEventExit);
        removals.push(exit);
        if (exit.reason === 'normal' || exit.reason === 'shutdown') return;
      }
    });
    await rt.idle();
    expect(await GenEvent.whichHandlers(rt, log)).toEqual([SHIPPER, COUNTER, MEMORY]);

    GenEvent.notify(rt, log, { level: 'info', text: 'started' });
    GenEvent.notify(rt, log, { level: 'error', text: 'bad \u0000 byte' });
    GenEvent.notify(rt, log, { level: 'error', text: 'disk full' });
    await GenEvent.syncNotify(rt, log, { level: 'info', text: 'still here' });
    await rt.idle();

    // The manager and the other handlers carried on through the crash.
    expect(rt.whereis('log')).toBeDefined();
    expect(await GenEvent.call(rt, log, MEMORY, 'lines')).toEqual(['info: started', 'error: bad \u0000 byte', 'error: disk full', 'info: still here']);
    expect(await GenEvent.call(rt, log, COUNTER, 'count')).toBe(2);

    // The supervisor heard why and put a fresh shipper back (newest first again); it ships what comes next.
    expect(removals).toEqual([
      { kind: 'gen_event_EXIT', handler: SHIPPER, reason: expect.objectContaining({ kind: 'error', error: new TypeError('cannot encode a NUL byte') }) },
    ]);
    expect(await GenEvent.whichHandlers(rt, log)).toEqual([SHIPPER, COUNTER, MEMORY]);
    await GenEvent.syncNotify(rt, log, { level: 'info', text: 'after the restart' });
    expect(await GenEvent.call(rt, log, SHIPPER, 'shipped')).toBe(1);

    // Stopping the manager tells the supervisor 'shutdown'.
    await GenEvent.stop(rt, 'log');
    await rt.idle();
    expect(removals.at(-1)).toEqual({ kind: 'gen_event_EXIT', handler: SHIPPER, reason: 'shutdown' });
  });
});
