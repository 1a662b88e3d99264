// gen-statem/actions.ts
// Transition actions a state callback returns (reply, postpone, nextEvent, timeouts, hibernate), their constructors and checks.
import type { From } from '../gen/from.js';
import type { AnyStatemEvent, EventType, StatemEvent, StatemTypes } from './callbacks.js';

/** `{reply, From, Reply}`: answer a call (now, while the transition is processed). */
export interface ReplyAction {
  readonly kind: 'reply';
  readonly from: From;
  readonly reply: unknown;
}

/** `postpone` / `{postpone, Bool}`: retry the current event after the next state change. */
export interface PostponeAction {
  readonly kind: 'postpone';
  readonly postpone: boolean;
}

/** `{next_event, Type, Content}`: handle this event next, before anything already queued. */
export interface NextEventAction {
  readonly kind: 'next_event';
  readonly event: AnyStatemEvent;
}

/** `hibernate`: accepted and ignored (a JavaScript process has no heap of its own to shrink). */
export interface HibernateAction {
  readonly kind: 'hibernate';
}

/**
 * When a timeout fires: milliseconds (0 = enqueue the timeout event at once, behind what is
 * already queued), `Infinity` or `'cancel'` to cancel it, `'update'` to change the content of
 * a running one (or, if none runs, behave like 0).
 */
export type TimeoutTime = number | 'cancel' | 'update';

/** `{timeout, Time, Content}`: the event timeout, cancelled by any event. */
export interface EventTimeoutAction {
  readonly kind: 'timeout';
  readonly time: TimeoutTime;
  readonly content: unknown;
}

/** `{state_timeout, Time, Content}`: cancelled by a state change; setting it again restarts it. */
export interface StateTimeoutAction {
  readonly kind: 'state_timeout';
  readonly time: TimeoutTime;
  readonly content: unknown;
}

/** `{{timeout, Name}, Time, Content}`: a named timeout; survives state changes. */
export interface GenericTimeoutAction {
  readonly kind: 'generic_timeout';
  readonly name: string;
  readonly time: TimeoutTime;
  readonly content: unknown;
}

/** Any of the three timeout actions. */
export type TimeoutAction = EventTimeoutAction | StateTimeoutAction | GenericTimeoutAction;

/** Actions allowed from a state enter call (`enter_action()`): no postpone, no nextEvent. */
export type EnterAction = ReplyAction | HibernateAction | TimeoutAction | PostponeAction;

/** Every transition action (`action()`). */
export type Action = EnterAction | NextEventAction;

/** `{reply, From, Reply}` (OTP's `reply_action()`); the reply's type is the one the call expects. */
export function replyAction<R>(from: From<R>, value: NoInfer<R>): ReplyAction {
  return { kind: 'reply', from, reply: value };
}

/** `postpone` (or `{postpone, false}` to undo an earlier one in the same list). */
export function postpone(value = true): PostponeAction {
  return { kind: 'postpone', postpone: value };
}

/**
 * `{next_event, Type, Content}`: `nextEvent('internal', content)`, or any event as an object
 * (`nextEvent({ type: 'call', content, from })`; with the machine's types `T`, it is checked).
 */
export function nextEvent(type: 'internal' | 'cast' | 'info' | 'timeout' | 'state_timeout', content?: unknown): NextEventAction;
export function nextEvent<T extends StatemTypes = StatemTypes>(event: StatemEvent<T>): NextEventAction;
export function nextEvent(typeOrEvent: string | AnyStatemEvent, content?: unknown): NextEventAction {
  const event = typeof typeOrEvent === 'string' ? ({ type: typeOrEvent, content } as AnyStatemEvent) : typeOrEvent;
  return { kind: 'next_event', event };
}

/** `hibernate` (a no-op here). */
export function hibernate(): HibernateAction {
  return { kind: 'hibernate' };
}

/** `{timeout, Time, Content}`. */
export function eventTimeout(time: TimeoutTime, content?: unknown): EventTimeoutAction {
  return { kind: 'timeout', time, content };
}

/** `{state_timeout, Time, Content}`. */
export function stateTimeout(time: TimeoutTime, content?: unknown): StateTimeoutAction {
  return { kind: 'state_timeout', time, content };
}

/** `{{timeout, Name}, Time, Content}`. */
export function genericTimeout(name: string, time: TimeoutTime, content?: unknown): GenericTimeoutAction {
  return { kind: 'generic_timeout', name, time, content };
}

const EVENT_TYPES: ReadonlySet<string> = new Set<EventType>([
  'call',
  'cast',
  'info',
  'timeout',
  'state_timeout',
  'generic_timeout',
  'internal',
]);

/** Whether `value` names an event type a nextEvent may carry. */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && EVENT_TYPES.has(value);
}

/** Whether `value` is a well-formed event object (calls carry a From, generic timeouts a name). */
export function isEvent(value: unknown): value is AnyStatemEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as { type?: unknown; from?: unknown; name?: unknown };
  if (!isEventType(event.type)) return false;
  if (event.type === 'call') return isFrom(event.from);
  return event.type !== 'generic_timeout' || typeof event.name === 'string';
}

/** Whether `value` is a well-formed `From` (`{ pid, tag }`). */
export function isFrom(value: unknown): value is From {
  return typeof value === 'object' && value !== null && 'pid' in value && 'tag' in value;
}

function isTimeoutTime(time: unknown): time is TimeoutTime {
  if (time === 'cancel' || time === 'update') return true;
  return typeof time === 'number' && time >= 0; // NaN and negatives fail
}

/** Whether `value` is one of the actions above, well formed (a malformed one stops the machine). */
export function isAction(value: unknown): value is Action {
  if (typeof value !== 'object' || value === null) return false;
  const action = value as { kind?: unknown; [key: string]: unknown };
  switch (action.kind) {
    case 'reply':
      return isFrom(action.from);
    case 'postpone':
      return typeof action.postpone === 'boolean';
    case 'next_event':
      return isEvent(action.event);
    case 'hibernate':
      return true;
    case 'timeout':
    case 'state_timeout':
      return isTimeoutTime(action.time);
    case 'generic_timeout':
      return typeof action.name === 'string' && isTimeoutTime(action.time);
    default:
      return false;
  }
}
