// OTP rule (stdlib gen_statem, "event_timeout()", "state_timeout()", "generic_timeout()",
// "transition_option()"): any event cancels the event timeout — a retried (postponed) or inserted
// (next_event) event counts as arrived, and so does a zero timeout event; a state change cancels
// the state timeout; setting a timeout again restarts it; generic timeouts survive state changes
// and are cancelled by setting them to infinity; zero timeouts are delivered before any not yet
// received message but after already queued events. (Checked against erl, OTP 25.)
import { describe, expect, it } from 'vitest';
import { initOk, keepState, keepStateAndData, nextState, type HandleEventModule } from '../../src/gen-statem/callbacks.js';
import { eventTimeout, genericTimeout, nextEvent, postpone, stateTimeout, type Action } from '../../src/gen-statem/actions.js';
import { startEngine } from './engine-harness.js';

type Log = unknown[];

// A machine driven by casts of `{ to?, actions }`: the cast's actions are returned, and every
// event is logged as `state:type:content` with the virtual time it arrived at.
interface Script {
  readonly to?: string;
  readonly actions?: Action[];
  readonly postpone?: boolean;
  readonly label?: string;
}

function scripted(log: Log, options: { stateEnter?: Action[] } = {}): HandleEventModule<{ state: string; data: null; cast: Script; info: string }> {
  return {
    callbackMode: 'handle_event_function',
    stateEnter: options.stateEnter !== undefined,
    init: () => initOk('a', null),
    handleEvent(event, state) {
      if (event.type === 'enter') return keepStateAndData(state === 'b' ? options.stateEnter : []);
      if (event.type === 'cast') {
        const script = event.content;
        log.push(`${state}:cast:${script.label ?? ''}`);
        const actions = [...(script.actions ?? []), ...(script.postpone === true ? [postpone()] : [])];
        return script.to === undefined ? keepStateAndData(actions) : nextState(script.to, null, actions);
      }
      const name = event.type === 'generic_timeout' ? `(${event.name})` : '';
      log.push(`${state}:${event.type}${name}:${JSON.stringify(event.content)}`);
      return keepState();
    },
  };
}

describe('event timeout', () => {
  it('fires when no event arrives in time', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [eventTimeout(100, 'idle')] });
    await probe.clock.advance(99);
    log.push(`@${probe.clock.now()}`);
    await probe.clock.advance(1);
    expect(log).toEqual(['a:cast:', '@99', 'a:timeout:"idle"']);
  });

  it('is cancelled by any received event', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [eventTimeout(100, 'idle')] });
    await probe.clock.advance(50);
    probe.info('poke');
    await probe.clock.advance(500);
    expect(log).toEqual(['a:cast:', 'a:info:"poke"']);
  });

  it('is cancelled by a postponed event', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [eventTimeout(100, 'idle')] });
    probe.cast({ label: 'p', postpone: true });
    await probe.clock.advance(500);
    expect(log).toEqual(['a:cast:', 'a:cast:p']);
  });

  it('is cancelled by an event inserted with nextEvent in the same transition', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [eventTimeout(100, 'idle'), nextEvent('internal', 'inner')] });
    await probe.clock.advance(500);
    expect(log).toEqual(['a:cast:', 'a:internal:"inner"']);
  });

  it('with time 0 fires only if nothing is queued: a zero state timeout comes first and cancels it', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [stateTimeout(0, 's0'), eventTimeout(0, 'e0')] });
    await probe.settle();
    probe.cast({ label: 'alone', actions: [eventTimeout(0, 'e0')] });
    await probe.settle();
    expect(log).toEqual(['a:cast:', 'a:state_timeout:"s0"', 'a:cast:alone', 'a:timeout:"e0"']);
  });
});

describe('state timeout', () => {
  it('fires in the state that set it', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [stateTimeout(100, 'st')] });
    probe.cast({ label: 'keep' });
    await probe.clock.advance(100);
    expect(log).toEqual(['a:cast:', 'a:cast:keep', 'a:state_timeout:"st"']);
  });

  it('is cancelled by a state change', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [stateTimeout(100, 'st')] });
    probe.cast({ to: 'b' });
    await probe.clock.advance(500);
    expect(log).toEqual(['a:cast:', 'a:cast:']);
  });

  it('set together with a state change belongs to the new state; so does one set by the enter call', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log, { stateEnter: [stateTimeout(200, 'from-enter')] }));
    probe.cast({ to: 'b', actions: [stateTimeout(100, 'with-change')] });
    await probe.clock.advance(500);
    // The enter call's action comes after the callback's, so it wins (last of a kind wins).
    expect(log).toEqual(['a:cast:', 'b:state_timeout:"from-enter"']);
  });

  it('restarts when set again while running', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [stateTimeout(100, 'first')] });
    await probe.clock.advance(60);
    probe.cast({ label: 'again', actions: [stateTimeout(100, 'second')] });
    await probe.clock.advance(99);
    log.push(`@${probe.clock.now()}`);
    await probe.clock.advance(1);
    expect(log).toEqual(['a:cast:', 'a:cast:again', '@159', 'a:state_timeout:"second"']);
  });

  it("is cancelled by 'cancel' or Infinity, and 'update' changes the content of the running one", async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [stateTimeout(100, 'x')] });
    probe.cast({ label: 'cancel', actions: [stateTimeout('cancel')] });
    await probe.clock.advance(200);
    probe.cast({ actions: [stateTimeout(100, 'y')] });
    probe.cast({ label: 'inf', actions: [stateTimeout(Infinity)] });
    await probe.clock.advance(200);
    probe.cast({ actions: [stateTimeout(100, 'old')] });
    probe.cast({ label: 'update', actions: [stateTimeout('update', 'new')] });
    await probe.clock.advance(100);
    expect(log).toEqual(['a:cast:', 'a:cast:cancel', 'a:cast:', 'a:cast:inf', 'a:cast:', 'a:cast:update', 'a:state_timeout:"new"']);
  });

  it("'update' with no running timeout enqueues the timeout event at once", async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [stateTimeout('update', 'now')] });
    await probe.settle();
    expect(log).toEqual(['a:cast:', 'a:state_timeout:"now"']);
  });
});

describe('generic (named) timeouts', () => {
  it('survive state changes and run independently per name', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [genericTimeout('retry', 100, 'r'), genericTimeout('give_up', 300, 'g')] });
    probe.cast({ to: 'b' });
    await probe.clock.advance(300);
    expect(log).toEqual([
      'a:cast:',
      'a:cast:',
      'b:generic_timeout(retry):"r"',
      'b:generic_timeout(give_up):"g"',
    ]);
  });

  it("are cancelled by Infinity or 'cancel', each name alone", async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [genericTimeout('x', 100), genericTimeout('y', 100, 'y'), genericTimeout('z', 100)] });
    probe.cast({ label: 'cancel', actions: [genericTimeout('x', Infinity), genericTimeout('z', 'cancel')] });
    await probe.clock.advance(200);
    expect(log).toEqual(['a:cast:', 'a:cast:cancel', 'a:generic_timeout(y):"y"']);
  });
});

describe('zero timeouts and the mailbox', () => {
  it('are delivered after inserted events but before messages not yet received', async () => {
    const log: Log = [];
    const probe = startEngine(scripted(log));
    probe.cast({ actions: [genericTimeout('g', 0, 'zero'), nextEvent('internal', 'inserted')] });
    probe.cast({ label: 'queued-message' });
    await probe.settle();
    expect(log).toEqual(['a:cast:', 'a:internal:"inserted"', 'a:generic_timeout(g):"zero"', 'a:cast:queued-message']);
  });
});

describe('stale timer messages', () => {
  it('drops the message of a timeout cancelled after its timer fired (OTP flushes it)', async () => {
    const log: Log = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const machine: HandleEventModule<{ state: string; data: null; cast: string }> = {
      callbackMode: 'handle_event_function',
      init: () => initOk('a', null),
      async handleEvent(event) {
        log.push(`${event.type}:${String(event.content)}`);
        if (event.content === 'slow') await gate;
        return keepStateAndData(event.content === 'arm' ? [eventTimeout(100, 'fired')] : []);
      },
    };
    const probe = startEngine(machine);
    probe.cast('arm');
    await probe.settle();
    probe.cast('slow');
    await probe.clock.advance(150); // the timer fires while 'slow' is being handled
    release();
    await probe.clock.advance(1000);
    expect(log).toEqual(['cast:arm', 'cast:slow']);
  });
});
