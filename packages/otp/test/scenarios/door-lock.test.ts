// OTP rule (OTP Design Principles, "gen_statem Behaviour": the code lock example; stdlib gen_statem
// "state_enter()", "postpone()", "state_timeout()"): a door lock opened by a code entered through
// calls; state enter calls set up each state; button presses that arrive while the door is still
// opening are postponed and answered once it is open; a state timeout relocks it.
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger } from '@troupe/runtime';
import { VirtualClock } from '@troupe/runtime/testing';
import {
  GenStatem,
  initOk,
  keepState,
  keepStateAndData,
  nextState,
  postpone,
  replyAction,
  stateTimeout,
  sys,
  type GenStatemModule,
  type StatemPidOf,
} from '@troupe/otp';

const OPEN_MS = 10_000;
const MOTOR_MS = 500;

interface DoorData {
  readonly code: readonly number[];
  readonly buttons: readonly number[];
  readonly log: string[];
}

type DoorTypes = {
  state: 'locked' | 'opening' | 'open';
  data: DoorData;
  call: { readonly kind: 'button'; readonly digit: number } | { readonly kind: 'state' };
  reply: 'more' | 'wrong' | 'unlocking' | 'already_open' | 'locked' | 'opening' | 'open';
  args: readonly number[];
};

const DoorLock: GenStatemModule<DoorTypes> = {
  callbackMode: 'state_functions',
  stateEnter: true,
  init: (code) => initOk('locked', { code, buttons: [], log: [] }),
  states: {
    locked(event, data) {
      switch (event.type) {
        case 'enter':
          data.log.push(`enter locked (from ${event.oldState})`);
          return keepState({ ...data, buttons: [] });
        case 'call': {
          const request = event.content;
          if (request.kind === 'state') return keepStateAndData([replyAction(event.from, 'locked')]);
          const buttons = [...data.buttons, request.digit];
          if (buttons.join() === data.code.join()) return nextState('opening', { ...data, buttons }, [replyAction(event.from, 'unlocking')]);
          if (buttons.length >= data.code.length) return keepState({ ...data, buttons: [] }, [replyAction(event.from, 'wrong')]);
          return keepState({ ...data, buttons }, [replyAction(event.from, 'more')]);
        }
        default:
          return keepState();
      }
    },
    // A transient state: the motor runs; presses wait (postponed) until the door is open.
    opening(event, data) {
      switch (event.type) {
        case 'enter':
          data.log.push('enter opening');
          return keepStateAndData([stateTimeout(MOTOR_MS, 'motor_done')]);
        case 'state_timeout':
          return nextState('open', data);
        case 'call':
          if (event.content.kind === 'state') return keepStateAndData([replyAction(event.from, 'opening')]);
          data.log.push('postponed a press');
          return keepStateAndData([postpone()]);
        default:
          return keepState();
      }
    },
    open(event, data) {
      switch (event.type) {
        case 'enter':
          data.log.push('enter open');
          return keepStateAndData([stateTimeout(OPEN_MS, 'lock')]);
        case 'state_timeout':
          return nextState('locked', data);
        case 'call':
          // keep_state: the relock timer keeps running (only a state change cancels it).
          return keepStateAndData([replyAction(event.from, event.content.kind === 'state' ? 'open' : 'already_open')]);
        default:
          return keepState();
      }
    },
  },
};

async function startDoor(): Promise<{ rt: Runtime; clock: VirtualClock; door: StatemPidOf<DoorTypes> }> {
  const clock = new VirtualClock();
  const rt = new Runtime({ clock, longScheduleMs: false, logger: silentLogger });
  const started = await GenStatem.start(rt, DoorLock, [1, 2, 3]);
  if (started.kind !== 'ok') throw new Error(`door failed to start: ${JSON.stringify(started)}`);
  return { rt, clock, door: started.pid };
}

const press = (rt: Runtime, door: StatemPidOf<DoorTypes>, digit: number) => GenStatem.call(rt, door, { kind: 'button', digit });
const stateOf = (rt: Runtime, door: StatemPidOf<DoorTypes>) => GenStatem.call(rt, door, { kind: 'state' });

describe('door lock', () => {
  it('starts locked (initial enter call) and rejects a wrong code', async () => {
    const { rt, door } = await startDoor();
    expect(await press(rt, door, 9)).toBe('more');
    expect(await press(rt, door, 9)).toBe('more');
    expect(await press(rt, door, 9)).toBe('wrong');
    expect(await stateOf(rt, door)).toBe('locked');
    const { data } = await sys.getState<Runtime, { state: string; data: DoorData }>(rt, door);
    expect(data.log).toEqual(['enter locked (from locked)']);
  });

  it('opens on the right code, through the transient opening state', async () => {
    const { rt, clock, door } = await startDoor();
    expect(await press(rt, door, 1)).toBe('more');
    expect(await press(rt, door, 2)).toBe('more');
    expect(await press(rt, door, 3)).toBe('unlocking');
    expect(await stateOf(rt, door)).toBe('opening');
    await clock.advance(MOTOR_MS);
    expect(await stateOf(rt, door)).toBe('open');
    const { data } = await sys.getState<Runtime, { state: string; data: DoorData }>(rt, door);
    expect(data.log).toEqual(['enter locked (from locked)', 'enter opening', 'enter open']);
  });

  it('postpones presses while opening and answers them, in order, once open', async () => {
    const { rt, clock, door } = await startDoor();
    for (const digit of [1, 2, 3]) await press(rt, door, digit);
    const answers: unknown[] = [];
    const first = press(rt, door, 7).then((answer) => answers.push(['first', answer]));
    const second = press(rt, door, 8).then((answer) => answers.push(['second', answer]));
    await clock.advance(MOTOR_MS - 1);
    expect(answers).toEqual([]);
    await clock.advance(1);
    await Promise.all([first, second]);
    expect(answers).toEqual([
      ['first', 'already_open'],
      ['second', 'already_open'],
    ]);
  });

  it('relocks when the open state times out; presses while open do not extend it', async () => {
    const { rt, clock, door } = await startDoor();
    for (const digit of [1, 2, 3]) await press(rt, door, digit);
    await clock.advance(MOTOR_MS);
    await clock.advance(OPEN_MS / 2);
    expect(await press(rt, door, 5)).toBe('already_open');
    await clock.advance(OPEN_MS / 2 - 1);
    expect(await stateOf(rt, door)).toBe('open');
    await clock.advance(1);
    expect(await stateOf(rt, door)).toBe('locked');
    expect(await press(rt, door, 1)).toBe('more');
  });
});
