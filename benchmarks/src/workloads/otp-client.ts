// The client process of the OTP workloads: runs one side of a measurement in a process of
// the variant's kind (generator or async body) and hands its figure back to plain JS.
import type { ProcessContext, Runtime } from '@troupe/runtime';
import { completion } from './completion.js';
import type { Variant } from './workload.js';

/** The two spellings of one client: the same steps with `yield*` and with `await`. */
export interface Client {
  generator(self: ProcessContext): Generator<unknown, number, unknown>;
  async(self: ProcessContext): Promise<number>;
}

/**
 * Spawns `client` in `rt` as the variant says and returns its figure. A throw in the client
 * rejects at once: a crashed process would otherwise leave the run waiting for its timeout.
 */
export async function inClient(rt: Runtime, variant: Variant, client: Client): Promise<number> {
  const done = completion<{ value: number } | { error: unknown }>();
  if (variant === 'generator') {
    // The client's generator is the process body itself (the runtime drives any iterator a
    // body returns), seen through a plain wrapper: a `yield*` level around it would add a
    // generator resume to every step the client takes, which no user code pays.
    rt.spawn((self) => reportingEnd(client.generator(self), (outcome) => done.resolve(outcome)));
  } else {
    rt.spawn(async (self) => {
      try {
        done.resolve({ value: await client.async(self) });
      } catch (error) {
        done.resolve({ error });
      }
    });
  }
  const outcome = await done.promise;
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/** `steps`, passed through step by step, reporting its return value or what it threw. */
function reportingEnd(
  steps: Generator<unknown, number, unknown>,
  report: (outcome: { value: number } | { error: unknown }) => void,
): Iterator<unknown, void, unknown> & Iterable<unknown> {
  const ended = (result: IteratorResult<unknown, number>): IteratorResult<unknown, void> => {
    if (result.done !== true) return result;
    report({ value: result.value });
    return { done: true, value: undefined };
  };
  const failed = (error: unknown): IteratorResult<unknown, void> => {
    report({ error });
    return { done: true, value: undefined };
  };
  const wrapper = {
    next(input?: unknown): IteratorResult<unknown, void> {
      try {
        return ended(steps.next(input));
      } catch (error) {
        return failed(error);
      }
    },
    throw(error?: unknown): IteratorResult<unknown, void> {
      try {
        return ended(steps.throw(error));
      } catch (thrown) {
        return failed(thrown);
      }
    },
    [Symbol.iterator]: () => wrapper,
  };
  return wrapper;
}
