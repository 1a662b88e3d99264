// receive's options: `after` must be a non-negative number or Infinity; null is refused
// like every other non-number, and only a missing `after` means wait forever.
import { afterEach, describe, expect, it } from 'vitest';
import { startRuntime, stopRuntimes } from '../support/runtime.js';

afterEach(stopRuntimes);

describe('receive options', () => {
  it('refuses after: null with a TypeError, as it refuses other non-numbers', async () => {
    const { rt } = startRuntime();
    const got: string[] = [];
    rt.spawn(function* (self) {
      for (const after of [null, 'x', -1]) {
        try {
          (self.receive as (...a: unknown[]) => unknown)({ after });
          got.push('accepted');
        } catch (error) {
          got.push((error as Error).constructor.name);
        }
      }
    });
    await rt.idle();
    expect(got).toEqual(['TypeError', 'TypeError', 'TypeError']);
  });
});
