// OTP rule (stdlib gen_statem, "transition_option()" and "action()"): postponed events are retried
// after a state change only, oldest first; next_event events are inserted before already queued
// events in list order; state enter calls happen for the initial state and on every state change.
import { describe, expect, it } from 'vitest';
import {
  initOk,
  keepState,
  keepStateAndData,
  nextState,
  repeatState,
  type HandleEventModule,
  type StateFunctionsModule,
} from '../../src/gen-statem/callbacks.js';
import { nextEvent, postpone } from '../../src/gen-statem/actions.js';
import { startEngine } from './engine-harness.js';

type Log = unknown[];

// An event as a short string for logs: `type:content`, or `enter<-old`.
function show(event: { type: string; content?: unknown; oldState?: unknown }): string {
  return event.type === 'enter' ? `enter<-${String(event.oldState)}` : `${event.type}:${String(event.content)}`;
}

describe('callback modes', () => {
  it('state_functions: calls the function named after the current state', async () => {
    const log: Log = [];
    const machine: StateFunctionsModule<{ state: 'a' | 'b'; data: number; cast: string; info: string }> = {
      callbackMode: 'state_functions',
      init: () => initOk('a', 0),
      states: {
        a(event, data) {
          log.push(`a ${show(event)} ${data}`);
          return nextState('b', data + 1);
        },
        b(event, data) {
          log.push(`b ${show(event)} ${data}`);
          return nextState('a', data + 1);
        },
      },
    };
    const probe = startEngine(machine);
    probe.cast('x');
    probe.cast('y');
    probe.info('z');
    await probe.settle();
    expect(log).toEqual(['a cast:x 0', 'b cast:y 1', 'a info:z 2']);
  });

  it('handle_event_function: one function gets (event, state, data); states may be any value', async () => {
    const log: Log = [];
    const machine: HandleEventModule<{ state: { floor: number }; data: string[]; cast: string }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk({ floor: 0 }, []),
      handleEvent(event, state, data) {
        log.push([show(event), state]);
        return nextState({ floor: state.floor + 1 }, [...data, show(event)]);
      },
    };
    const probe = startEngine(machine);
    probe.cast('up');
    probe.cast('up');
    await probe.settle();
    expect(log).toEqual([
      ['cast:up', { floor: 0 }],
      ['cast:up', { floor: 1 }],
    ]);
  });
});

describe('postpone', () => {
  function machine(log: Log): HandleEventModule<{ state: string; data: null; cast: string }> {
    return {
      callbackMode: 'handle_event_function',
      init: () => initOk('closed', null),
      handleEvent(event, state) {
        if (event.type !== 'cast') return keepState();
        const content = event.content;
        log.push(`${state}:${content}`);
        if (state === 'closed' && content.startsWith('req')) return keepStateAndData([postpone()]);
        if (content === 'open') return nextState('open', null);
        if (content === 'same') return nextState('closed', null); // a transition to the same state
        if (content === 'repeat') return repeatState();
        return keepState();
      },
    };
  }

  it('retries postponed events after a state change, oldest first, before later events', async () => {
    const log: Log = [];
    const probe = startEngine(machine(log));
    probe.cast('req1');
    probe.cast('req2');
    probe.cast('open');
    probe.cast('after');
    await probe.settle();
    expect(log).toEqual(['closed:req1', 'closed:req2', 'closed:open', 'open:req1', 'open:req2', 'open:after']);
  });

  it('does not retry them on keep_state, next_state to an equal state, or repeat_state', async () => {
    const log: Log = [];
    const probe = startEngine(machine(log));
    probe.cast('req1');
    probe.cast('same');
    probe.cast('other');
    probe.cast('repeat');
    await probe.settle();
    expect(log).toEqual(['closed:req1', 'closed:same', 'closed:other', 'closed:repeat']);
  });

  it('compares states by value: an equal object is not a state change', async () => {
    const log: Log = [];
    const machine: HandleEventModule<{ state: { door: string }; data: null; cast: string }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk({ door: 'closed' }, null),
      handleEvent(event, state) {
        log.push([show(event), state.door]);
        if (event.content === 'req') return keepStateAndData([postpone()]);
        if (event.content === 'equal') return nextState({ door: 'closed' }, null);
        return nextState({ door: 'open' }, null);
      },
    };
    const probe = startEngine(machine);
    probe.cast('req');
    probe.cast('equal');
    probe.cast('change');
    await probe.settle();
    expect(log).toEqual([
      ['cast:req', 'closed'],
      ['cast:equal', 'closed'],
      ['cast:change', 'closed'],
      ['cast:req', 'open'],
    ]);
  });
});

describe('nextEvent', () => {
  it('inserts events before queued ones, first action first, ahead of retried postponed events', async () => {
    const log: Log = [];
    const machine: HandleEventModule<{ state: string; data: null; cast: string }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('a', null),
      handleEvent(event, state) {
        log.push(`${state}:${show(event)}`);
        if (state === 'a' && event.content === 'p') return keepStateAndData([postpone()]);
        if (event.content === 'go') return nextState('b', null, [nextEvent('internal', 'i1'), nextEvent('internal', 'i2')]);
        return keepState();
      },
    };
    const probe = startEngine(machine);
    probe.cast('p');
    probe.cast('go');
    probe.cast('later');
    await probe.settle();
    expect(log).toEqual(['a:cast:p', 'a:cast:go', 'b:internal:i1', 'b:internal:i2', 'b:cast:p', 'b:cast:later']);
  });

  it('is allowed in init actions: the inserted events run before any message (a postpone there is ignored)', async () => {
    const log: Log = [];
    const machine: HandleEventModule<{ state: string; data: null; cast: string }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('s', null, [postpone(), nextEvent('internal', 'boot')]),
      handleEvent(event) {
        log.push(show(event));
        return keepState();
      },
    };
    const probe = startEngine(machine);
    probe.cast('m');
    await probe.settle();
    expect(log).toEqual(['internal:boot', 'cast:m']);
  });

  it('can insert any event type, a cast included', async () => {
    const log: Log = [];
    const machine: HandleEventModule<{ state: string; data: null; cast: string }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('s', null, [nextEvent<{ state: string; data: null; cast: string }>({ type: 'cast', content: 'made-up' })]),
      handleEvent(event) {
        log.push(show(event));
        return keepState();
      },
    };
    const probe = startEngine(machine);
    await probe.settle();
    expect(log).toEqual(['cast:made-up']);
  });
});

describe('state enter calls', () => {
  function machine(log: Log): StateFunctionsModule<{ state: 'a' | 'b'; data: number; cast: string }> {
    return {
      callbackMode: 'state_functions',
      stateEnter: true,
      init: () => initOk('a', 0),
      states: {
        a(event, data) {
          log.push(`a ${show(event)} ${data}`);
          if (event.type === 'enter') return keepState(data + 1);
          if (event.content === 'repeat') return repeatState();
          return event.content === 'go' ? nextState('b', data) : keepState();
        },
        b(event, data) {
          log.push(`b ${show(event)} ${data}`);
          return event.type === 'enter' ? keepState() : nextState('a', data);
        },
      },
    };
  }

  it('makes an enter call for the initial state, with the state itself as old state', async () => {
    const log: Log = [];
    const probe = startEngine(machine(log));
    await probe.settle();
    expect(log).toEqual(['a enter<-a 0']);
  });

  it('makes an enter call on each state change (not on keep_state), before the next event', async () => {
    const log: Log = [];
    const probe = startEngine(machine(log));
    probe.cast('stay');
    probe.cast('go');
    probe.cast('back');
    await probe.settle();
    expect(log).toEqual(['a enter<-a 0', 'a cast:stay 1', 'a cast:go 1', 'b enter<-a 1', 'b cast:back 1', 'a enter<-b 1']);
  });

  it('repeats the enter call on repeat_state', async () => {
    const log: Log = [];
    const probe = startEngine(machine(log));
    probe.cast('repeat');
    await probe.settle();
    expect(log).toEqual(['a enter<-a 0', 'a cast:repeat 1', 'a enter<-a 1']);
  });

  it('stops with bad_state_enter_return when an enter call changes state', async () => {
    const probe = startEngine({
      callbackMode: 'handle_event_function',
      stateEnter: true,
      init: () => initOk('a', null),
      handleEvent: () => nextState('b', null),
    } satisfies HandleEventModule<{ state: string; data: null }>);
    await probe.settle();
    expect(probe.exitReason()).toMatchObject({ kind: 'bad_state_enter_return', callback: 'handleEvent' });
  });

  it.each([
    ['postpone', postpone()],
    ['nextEvent', nextEvent('internal', 'x')],
  ])('stops with bad_state_enter_action when an enter call returns %s', async (_name, action) => {
    const probe = startEngine({
      callbackMode: 'handle_event_function',
      stateEnter: true,
      init: () => initOk('a', null),
      handleEvent: () => keepStateAndData([action]),
    } satisfies HandleEventModule<{ state: string; data: null }>);
    await probe.settle();
    expect(probe.exitReason()).toMatchObject({ kind: 'bad_state_enter_action', callback: 'handleEvent', action });
  });
});

describe('async callbacks', () => {
  it('suspends on a returned promise and handles the queued events in order afterwards', async () => {
    const log: Log = [];
    const machine: HandleEventModule<{ state: number; data: null; cast: string }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk(0, null),
      async handleEvent(event, state) {
        await Promise.resolve();
        log.push([show(event), state]);
        return nextState(state + 1, null, event.content === 'a' ? [nextEvent('internal', 'a2')] : []);
      },
    };
    const probe = startEngine(machine);
    probe.cast('a');
    probe.cast('b');
    await probe.settle();
    expect(log).toEqual([
      ['cast:a', 0],
      ['internal:a2', 1],
      ['cast:b', 2],
    ]);
  });
});
