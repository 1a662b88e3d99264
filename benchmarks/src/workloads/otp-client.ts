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
    rt.spawn(function* (self) {
      try {
        done.resolve({ value: yield* client.generator(self) });
      } catch (error) {
        done.resolve({ error });
      }
    });
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
