// gen-statem-events: a two-state machine (off <-> on) toggled by `size` cast events, then one
// call whose reply must be the event count (cf. erlang/bench_gen_statem.erl).
import { GenStatem, initOk, keepStateAndData, nextState, replyAction, type GenStatemModule, type StateFunction } from '@troupe/otp';
import { Runtime } from '@troupe/runtime';
import { secondsSince } from './completion.js';
import { inClient } from './otp-client.js';
import { defineWorkload } from './workload.js';

type ToggleTypes = { state: 'off' | 'on'; data: number; args: number; cast: 'toggle'; call: 'count'; reply: number };

// off(cast, toggle, Count) -> {next_state, on, Count + 1}; off({call, From}, count, Count) -> reply Count. Same for on.
const toggleTo =
  (next: 'off' | 'on'): StateFunction<ToggleTypes> =>
  (event, count) =>
    event.type === 'call' ? keepStateAndData([replyAction(event.from, count)]) : nextState(next, count + 1);

const Toggle: GenStatemModule<ToggleTypes> = {
  callbackMode: 'state_functions',
  init: (count) => initOk('off', count),
  states: { off: toggleTo('on'), on: toggleTo('off') },
};

function expectCount(count: unknown, events: number): void {
  if (count !== events) throw new Error(`gen-statem-events: the machine counted ${String(count)} events, expected ${events}`);
}

export const genStatemEvents = defineWorkload('gen-statem-events', {
  variants: ['generator', 'async'],
  async run(variant, { size: events }) {
    const rt = new Runtime();
    try {
      const started = await GenStatem.start(rt, Toggle, 0);
      if (started.kind !== 'ok') throw new Error(`gen-statem-events: the machine did not start: ${JSON.stringify(started)}`);
      const machine = started.pid;
      return await inClient(rt, variant, {
        *generator(self) {
          const start = performance.now();
          for (let i = 0; i < events; i++) GenStatem.cast(self, machine, 'toggle');
          expectCount(yield* GenStatem.call(self, machine, 'count', Infinity), events);
          return events / secondsSince(start);
        },
        async async(self) {
          const start = performance.now();
          for (let i = 0; i < events; i++) GenStatem.cast(self, machine, 'toggle');
          expectCount(await GenStatem.call(self, machine, 'count', Infinity), events);
          return events / secondsSince(start);
        },
      });
    } finally {
      await rt.shutdown();
    }
  },
});
