// OTP rule (stdlib gen_event: notify/2, add_handler/3, call/4, Module:handle_call/2), as types: a
// typed manager reference checks the events it is notified of and the handlers added to it; a
// typed handler id checks call requests and types the reply. Checked by `pnpm typecheck`.
import { describe, expectTypeOf, it } from 'vitest';
import type { Runtime } from '@troupe/runtime';
import { ok, reply } from '../../src/index.js';
import { GenEvent } from '../../src/gen-event/gen-event.js';
import { handlerId, type EventHandler } from '../../src/gen-event/callbacks.js';

type Alarm = { readonly alarm: 'fire' | 'flood' };
type AlarmLogTypes = { state: Alarm[]; event: Alarm; call: 'history'; reply: Alarm[] };

const alarmLog: EventHandler<AlarmLogTypes> = {
  init: () => ok([]),
  handleEvent: (event, history) => ok([...history, event]),
  handleCall: (request, history) => reply(history, history),
};

describe('gen_event types', () => {
  it('checks events, handlers and calls against typed references', () => {
    // Type-level only: never run (there is no real runtime here).
    const typeOnly = async (rt: Runtime): Promise<void> => {
      const alarms = GenEvent.ref<Alarm>('alarms');
      GenEvent.notify(rt, alarms, { alarm: 'fire' });
      // @ts-expect-error: not an event this manager takes
      GenEvent.notify(rt, alarms, { alarm: 'meteor' });

      const history = handlerId<'history', Alarm[]>('history');
      await GenEvent.addHandler(rt, alarms, history, alarmLog);
      // @ts-expect-error: a handler of other events cannot be added to this manager
      await GenEvent.addHandler(rt, GenEvent.ref<number>('numbers'), history, alarmLog);

      expectTypeOf(GenEvent.call(rt, alarms, history, 'history')).toEqualTypeOf<Promise<Alarm[]>>();
      // @ts-expect-error: not a request of this handler
      void GenEvent.call(rt, alarms, history, 'clear');
    };
    void typeOnly;
  });

  it('checks what handleCall replies', () => {
    const wrong: EventHandler<AlarmLogTypes> = {
      init: () => ok([]),
      handleEvent: (event, history) => ok(history),
      // @ts-expect-error: the reply must be an Alarm[]
      handleCall: (request, history) => reply('nope', history),
    };
    void wrong;
  });
});
