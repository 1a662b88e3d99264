// A code lock as a gen_statem: state enter calls, postponed presses, and state timeouts.
import { initOk, keepState, keepStateAndData, nextState, postpone, replyAction, stateTimeout, type GenStatemModule } from '@troupe/otp';
import type { ProcessContext } from '@troupe/runtime';

/** How long the motor takes to open the door, and how long it stays open. */
export const MOTOR_MS = 200;
export const OPEN_MS = 400;

export type DoorState = 'locked' | 'opening' | 'open';
export type DoorRequest = { readonly kind: 'press'; readonly digit: number } | { readonly kind: 'state' };
export type DoorReply = 'more' | 'wrong' | 'unlocking' | 'already_open' | DoorState;

interface DoorData {
  readonly code: readonly number[];
  readonly pressed: readonly number[];
  readonly startedAt: number;
}

export type DoorTypes = { state: DoorState; data: DoorData; call: DoorRequest; reply: DoorReply; args: readonly number[] };

// Every state change is narrated by the state enter call, with the time since start.
function announce(self: ProcessContext, data: DoorData, state: DoorState, oldState: DoorState): void {
  const change = oldState === state ? `starts ${state}` : `${oldState} -> ${state}`;
  console.log(`   door: ${change} (+${Math.round(self.now() - data.startedAt)} ms)`);
}

export const DoorLock: GenStatemModule<DoorTypes> = {
  callbackMode: 'state_functions',
  stateEnter: true,
  init: (code, self) => initOk('locked', { code, pressed: [], startedAt: self.now() }),
  states: {
    locked(event, data, self) {
      switch (event.type) {
        case 'enter':
          announce(self, data, 'locked', event.oldState);
          return keepState({ ...data, pressed: [] });
        case 'call': {
          if (event.content.kind === 'state') return keepStateAndData([replyAction(event.from, 'locked')]);
          const pressed = [...data.pressed, event.content.digit];
          if (pressed.join() === data.code.join()) return nextState('opening', data, [replyAction(event.from, 'unlocking')]);
          if (pressed.length >= data.code.length) return keepState({ ...data, pressed: [] }, [replyAction(event.from, 'wrong')]);
          return keepState({ ...data, pressed }, [replyAction(event.from, 'more')]);
        }
        default:
          return keepStateAndData();
      }
    },
    // The motor runs; a press now cannot be answered yet, so it is postponed: gen_statem
    // keeps it and hands it over again after the next state change.
    opening(event, data, self) {
      switch (event.type) {
        case 'enter':
          announce(self, data, 'opening', event.oldState);
          return keepStateAndData([stateTimeout(MOTOR_MS, 'motor_done')]);
        case 'state_timeout':
          return nextState('open', data);
        case 'call':
          if (event.content.kind === 'state') return keepStateAndData([replyAction(event.from, 'opening')]);
          console.log(`   door: press ${event.content.digit} while opening: postponed`);
          return keepStateAndData([postpone()]);
        default:
          return keepStateAndData();
      }
    },
    // A state timeout relocks the door; any state change would cancel it.
    open(event, data, self) {
      switch (event.type) {
        case 'enter':
          announce(self, data, 'open', event.oldState);
          return keepStateAndData([stateTimeout(OPEN_MS, 'relock')]);
        case 'state_timeout':
          return nextState('locked', data);
        case 'call':
          return keepStateAndData([replyAction(event.from, event.content.kind === 'state' ? 'open' : 'already_open')]);
        default:
          return keepStateAndData();
      }
    },
  },
};
