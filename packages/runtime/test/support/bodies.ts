// The two coroutine styles of a process body, so a rule that holds for both is tested
// once per style (`describe.each(BODY_STYLES)`).
import type { ProcessBody, ProcessContext, Receive } from '@troupe/runtime';

export type BodyStyle = 'generator' | 'async';
export const BODY_STYLES: readonly BodyStyle[] = ['generator', 'async'];

/** The arguments of one `self.receive(...)` call, built from the running process. */
export type ReceiveArgs = (self: ProcessContext) => unknown[];

function receiveWith(self: ProcessContext, args: unknown[]): Receive<unknown> {
  return (self.receive as (...a: unknown[]) => Receive<unknown>)(...args);
}

/**
 * A body that runs `before(self)` and then one receive per step, in order, pushing each
 * result into `results`; it ends after the last step.
 */
export function receiving(
  style: BodyStyle,
  steps: readonly ReceiveArgs[],
  results: unknown[],
  before: (self: ProcessContext) => void = () => {},
): ProcessBody {
  if (style === 'generator') {
    return function* (self) {
      before(self);
      for (const step of steps) results.push(yield* receiveWith(self, step(self)));
    };
  }
  return async (self) => {
    before(self);
    for (const step of steps) results.push(await receiveWith(self, step(self)));
  };
}

/** A body that waits forever for a message nothing sends. */
export function* blockForever(self: ProcessContext): Generator<unknown, void, unknown> {
  yield* self.receive(() => false);
}
