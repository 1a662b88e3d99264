// OTP rule (stdlib gen_statem, "state_callback_result()", "reply_action()", Module:terminate/3):
// replies are sent while the transition's actions run, in order; stop calls terminate(Reason,
// State, Data) then exits with Reason; stop_and_reply sends the replies first; a callback that
// fails or returns a bad value terminates the machine (terminate is called with the error reason).
import { describe, expect, it } from 'vitest';
import {
  initOk,
  keepState,
  keepStateAndData,
  nextState,
  stopMachine,
  stopAndReply,
  type AnyStatemEvent,
  type HandleEventModule,
} from '../../src/gen-statem/callbacks.js';
import type { From } from '../../src/gen/from.js';
import { hibernate, replyAction } from '../../src/gen-statem/actions.js';
import { startEngine } from './engine-harness.js';

type Log = unknown[];

type Types = { state: string; data: number; call: unknown; cast: unknown };

function machine(log: Log, handle: (event: AnyStatemEvent, state: string, data: number) => unknown): HandleEventModule<Types> {
  return {
    callbackMode: 'handle_event_function',
    init: () => initOk('s', 0),
    handleEvent: handle as never,
    terminate(reason, state, data) {
      log.push(['terminate', reason, state, data]);
    },
  };
}

describe('replies', () => {
  it('sends reply actions in order, also to calls answered later from another event', async () => {
    let pending: From | undefined;
    const probe = startEngine(
      machine([], (event) => {
        if (event.type === 'call' && event.content === 'later') {
          pending = event.from;
          return keepState();
        }
        if (event.type === 'call') return keepStateAndData([replyAction(event.from, 'one'), replyAction(event.from, 'two')]);
        return keepStateAndData([replyAction(pending!, 'answered')]);
      }),
    );
    probe.call('t1', 'now');
    probe.call('t2', 'later');
    probe.cast('go');
    await probe.settle();
    expect(probe.replies).toEqual([
      ['t1', 'one'],
      ['t1', 'two'],
      ['t2', 'answered'],
    ]);
  });

  it('accepts hibernate as a no-op', async () => {
    const log: Log = [];
    const probe = startEngine(machine(log, (event, state, data) => nextState(state, data + 1, [hibernate()])));
    probe.cast('x');
    probe.cast('y');
    await probe.settle();
    expect(probe.exitReason()).toBeUndefined();
  });
});

describe('stop', () => {
  it('calls terminate(reason, state, data) and exits with the reason', async () => {
    const log: Log = [];
    const probe = startEngine(machine(log, () => stopMachine({ kind: 'shutdown', detail: 'done' }, 42)));
    probe.cast('x');
    await probe.settle();
    expect(log).toEqual([['terminate', { kind: 'shutdown', detail: 'done' }, 's', 42]]);
    expect(probe.exitReason()).toEqual({ kind: 'shutdown', detail: 'done' });
  });

  it("stopMachine() stops with 'normal' and the current data", async () => {
    const log: Log = [];
    const probe = startEngine(machine(log, () => stopMachine()));
    probe.cast('x');
    await probe.settle();
    expect(log).toEqual([['terminate', 'normal', 's', 0]]);
    expect(probe.exitReason()).toBe('normal');
  });

  it('stop_and_reply sends the replies before terminate', async () => {
    const log: Log = [];
    const probe = startEngine(
      machine(log, (event) => {
        log.push('callback');
        return stopAndReply('normal', [replyAction((event as { from: From }).from, 'bye')]);
      }),
    );
    probe.call('t', 'quit');
    await probe.settle();
    expect(probe.replies).toEqual([['t', 'bye']]);
    expect(log).toEqual(['callback', ['terminate', 'normal', 's', 0]]);
    expect(probe.exitReason()).toBe('normal');
  });

  it('a terminate that throws makes the process exit with that error', async () => {
    const probe = startEngine({
      callbackMode: 'handle_event_function',
      init: () => initOk('s', 0),
      handleEvent: () => stopMachine('normal'),
      terminate() {
        throw new Error('cleanup failed');
      },
    } satisfies HandleEventModule<{ state: string; data: number }>);
    probe.cast('x');
    await probe.settle();
    expect(probe.exitReason()).toMatchObject({ kind: 'error', error: new Error('cleanup failed') });
  });
});

describe('failures', () => {
  it('a throwing state callback terminates with the error reason, terminate sees the last state and data', async () => {
    const log: Log = [];
    const probe = startEngine(
      machine(log, (event, state, data) => {
        if (event.content === 'boom') throw new TypeError('boom');
        return nextState('t', data + 1);
      }),
    );
    probe.cast('ok');
    probe.cast('boom');
    await probe.settle();
    expect(log).toEqual([['terminate', expect.objectContaining({ kind: 'error', error: new TypeError('boom') }), 't', 1]]);
    expect(probe.exitReason()).toMatchObject({ kind: 'error', error: new TypeError('boom') });
  });

  it('a rejected promise counts as a throw', async () => {
    const probe = startEngine(
      machine([], async () => {
        throw new Error('async boom');
      }),
    );
    probe.cast('x');
    await probe.settle();
    expect(probe.exitReason()).toMatchObject({ kind: 'error', error: new Error('async boom') });
  });

  it.each([
    ['undefined', undefined],
    ['a string', 'keep_state'],
    ['an unknown kind', { kind: 'next' }],
  ])('a callback returning %s exits with bad_return_value', async (_name, value) => {
    const probe = startEngine(machine([], () => value));
    probe.cast('x');
    await probe.settle();
    expect(probe.exitReason()).toEqual({ kind: 'bad_return_value', callback: 'handleEvent', value });
  });

  it('names the state function in state_functions mode', async () => {
    const probe = startEngine({
      callbackMode: 'state_functions',
      init: () => initOk('idle', 0),
      states: { idle: () => 'oops' as never },
    });
    probe.cast('x');
    await probe.settle();
    expect(probe.exitReason()).toEqual({ kind: 'bad_return_value', callback: 'states.idle', value: 'oops' });
  });

  it('a state without a state function crashes the machine on its next event', async () => {
    const probe = startEngine({
      callbackMode: 'state_functions',
      init: () => initOk('idle', 0),
      states: { idle: () => nextState('missing' as 'idle', 0) },
    });
    probe.cast('x');
    probe.cast('y');
    await probe.settle();
    expect(probe.exitReason()).toMatchObject({ kind: 'error', error: expect.any(TypeError) });
  });

  it.each([
    ['a negative timeout', { kind: 'timeout', time: -1, content: null }],
    ['an unknown action', { kind: 'teleport' }],
    ['a reply without a From', { kind: 'reply', from: null, reply: 1 }],
  ])('a callback returning %s exits with bad_action', async (_name, action) => {
    const probe = startEngine(machine([], () => keepStateAndData([action as never])));
    probe.cast('x');
    await probe.settle();
    expect(probe.exitReason()).toEqual({ kind: 'bad_action', callback: 'handleEvent', action });
  });
});
