// OTP rule (stdlib gen_statem, "event_type()", "event_handler_result()", "reply_action()"), as
// types: events are narrowed by their type, results and replies are checked against the
// machine's declared state, data, call, cast and reply types; a wrong request does not compile.
// Checked by `pnpm typecheck` (tsc over packages/*/test); at run time these tests only build values.
import { describe, expectTypeOf, it } from 'vitest';
import type { Runtime } from '@troupe/runtime';
import type { From } from '../../src/index.js';
import { GenStatem, type StatemPidOf } from '../../src/gen-statem/gen-statem.js';
import {
  initOk,
  keepState,
  nextState,
  type EnterEvent,
  type GenStatemModule,
  type HandleEventModule,
  type StateCallbackResult,
  type StatemEvent,
} from '../../src/gen-statem/callbacks.js';
import { nextEvent, replyAction } from '../../src/gen-statem/actions.js';

type Light = {
  state: 'off' | 'on';
  data: { switches: number };
  call: { readonly kind: 'get' };
  cast: { readonly kind: 'flip' };
  reply: number;
  info: 'ping';
};

describe('gen_statem types', () => {
  it('narrows the event by its type', () => {
    const module: HandleEventModule<Light> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('off', { switches: 0 }),
      handleEvent(event, state, data) {
        expectTypeOf(state).toEqualTypeOf<'off' | 'on'>();
        switch (event.type) {
          case 'call':
            expectTypeOf(event.content).toEqualTypeOf<{ readonly kind: 'get' }>();
            expectTypeOf(event.from).toEqualTypeOf<From<number>>();
            return keepState(data, [replyAction(event.from, data.switches)]);
          case 'cast':
            expectTypeOf(event.content).toEqualTypeOf<{ readonly kind: 'flip' }>();
            return nextState(state === 'off' ? 'on' : 'off', { switches: data.switches + 1 });
          case 'info':
            expectTypeOf(event.content).toEqualTypeOf<'ping'>();
            return keepState();
          case 'generic_timeout':
            expectTypeOf(event.name).toEqualTypeOf<string>();
            return keepState();
          case 'enter':
            expectTypeOf(event).toEqualTypeOf<EnterEvent<'off' | 'on'>>();
            return keepState();
          // @ts-expect-error: there is no 'kast' event type
          case 'kast':
            return keepState();
          default:
            return keepState();
        }
      },
    };
    expectTypeOf(module).toMatchTypeOf<GenStatemModule<Light>>();
  });

  it('checks results against the declared state and data', () => {
    // Annotating the return type puts the error on the offending return, not on the whole callback.
    function handleEvent(event: StatemEvent<Light>, state: 'off' | 'on', data: { switches: number }): StateCallbackResult<'off' | 'on', { switches: number }> {
      // @ts-expect-error: 'dimmed' is not a state of this machine
      if (event.type === 'cast') return nextState('dimmed', data);
      // @ts-expect-error: the data has no `count`
      if (event.type === 'info') return keepState({ count: 1 });
      return nextState(state, data);
    }
    const module: HandleEventModule<Light> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('off', { switches: 0 }),
      // @ts-expect-error: without the annotation, a wrong state makes the whole callback mismatch
      handleEvent: (event, state, data) => (event.type === 'cast' ? nextState('dimmed', data) : keepState()),
    };
    void handleEvent;
    void module;
  });

  it('checks a reply against the reply type the call expects', () => {
    const from = {} as From<number>;
    replyAction(from, 3);
    // @ts-expect-error: this call expects a number
    replyAction(from, 'three');
  });

  it('requires a state function for every state in state_functions mode', () => {
    const module: GenStatemModule<Light> = {
      callbackMode: 'state_functions',
      init: () => initOk('off', { switches: 0 }),
      // @ts-expect-error: no function for state 'on'
      states: { off: () => keepState() },
    };
    void module;
  });

  it('types call, cast and the reply through the pid start returns', () => {
    // Type-level only: never run (there is no real runtime or pid here).
    const typeOnly = (rt: Runtime, light: StatemPidOf<Light>): void => {
      expectTypeOf(GenStatem.call(rt, light, { kind: 'get' })).toEqualTypeOf<Promise<number>>();
      GenStatem.cast(rt, light, { kind: 'flip' });
      // @ts-expect-error: a cast request sent as a call
      void GenStatem.call(rt, light, { kind: 'flip' });
      // @ts-expect-error: not a request this machine accepts
      GenStatem.cast(rt, light, { kind: 'dim' });
      const byName = GenStatem.ref<Light>('light');
      // @ts-expect-error: a typed name checks requests too
      void GenStatem.call(rt, byName, 'get');
    };
    expectTypeOf(GenStatem.start<Runtime, Light>).returns.resolves.toMatchTypeOf<{ kind: string }>();
    void typeOnly;
  });

  it('checks typed nextEvent objects', () => {
    nextEvent<Light>({ type: 'cast', content: { kind: 'flip' } });
    // @ts-expect-error: not a cast of this machine
    nextEvent<Light>({ type: 'cast', content: { kind: 'dim' } });
    expectTypeOf<StatemEvent<Light>['type']>().toEqualTypeOf<
      'call' | 'cast' | 'info' | 'timeout' | 'state_timeout' | 'generic_timeout' | 'internal'
    >();
  });
});
