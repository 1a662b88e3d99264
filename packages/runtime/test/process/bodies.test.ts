// Process bodies: generator, async, plain function and handler object.
import { afterEach, describe, expect, it } from 'vitest';
import { ExitException, type ProcessBody, type ProcessContext } from '@troupe/runtime';
import { deferred, recordExits, startRuntime, stopRuntimes } from '../support/runtime.js';
import { BODY_STYLES } from '../support/bodies.js';

afterEach(stopRuntimes);

const boom = new Error('boom');
const throwingBodies: Record<string, ProcessBody> = {
  generator: function* () {
    throw boom;
  },
  async: async () => {
    throw boom;
  },
  plain: () => {
    throw boom;
  },
};

describe('process bodies', () => {
  it.each(Object.keys(throwingBodies))('ends a %s body that throws with {kind: error, error, stack}', async (kind) => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn(throwingBodies[kind]!);
    await rt.idle();
    expect(exits.get(pid.key)).toEqual({ kind: 'error', error: boom, stack: boom.stack });
  });

  it('runs a plain function body once and ends it normal when it returns', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const seen: unknown[] = [];
    const pid = rt.spawn((self) => {
      seen.push(self.pid);
    });
    await rt.idle();
    expect(seen).toEqual([pid]);
    expect(exits.get(pid.key)).toBe('normal');
  });

  it('turns the rejection an async body awaits into its crash', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn(async () => {
      await Promise.reject(boom);
    });
    await rt.idle();
    expect(exits.get(pid.key)).toMatchObject({ kind: 'error', error: boom });
  });

  it('ends a generator body that yields something other than a runtime operation with a TypeError', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn(function* () {
      yield 5;
    });
    await rt.idle();
    const reason = exits.get(pid.key) as { kind: string; error: unknown };
    expect(reason.kind).toBe('error');
    expect(reason.error).toBeInstanceOf(TypeError);
  });

  it('tells the body how it is driven through self.mode', async () => {
    const { rt } = startRuntime();
    const modes: string[] = [];
    rt.spawn(function* (self) {
      modes.push(self.mode);
    });
    await rt.idle();
    rt.spawn(async (self) => {
      modes.push(self.mode);
    });
    await rt.idle();
    expect(modes).toEqual(['generator', 'promise']);
  });
});

describe.each(BODY_STYLES)('a %s body', (style) => {
  const run = (steps: (self: ProcessContext) => unknown): ProcessBody =>
    style === 'generator'
      ? function* (self) {
          steps(self);
        }
      : async (self) => {
          steps(self);
        };

  it('ends normal when it returns', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn(run(() => {}));
    await rt.idle();
    expect(exits.get(pid.key)).toBe('normal');
    expect(rt.isAlive(pid)).toBe(false);
  });

  it('ends with the reason given to self.exit', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const pid = rt.spawn(run((self) => self.exit({ kind: 'custom', detail: 1 })));
    await rt.idle();
    expect(exits.get(pid.key)).toEqual({ kind: 'custom', detail: 1 });
  });

  it('may catch the ExitException of self.exit and carry on', async () => {
    const { rt } = startRuntime();
    const exits = recordExits(rt);
    const caught: unknown[] = [];
    const pid = rt.spawn(
      run((self) => {
        try {
          self.exit('changed_my_mind');
        } catch (error) {
          caught.push(error);
        }
      }),
    );
    await rt.idle();
    expect(caught[0]).toBeInstanceOf(ExitException);
    expect((caught[0] as ExitException).reason).toBe('changed_my_mind');
    expect(exits.get(pid.key)).toBe('normal');
  });

  it('waits for a foreign promise with self.await while others keep running', async () => {
    const { rt } = startRuntime();
    const gate = deferred<string>();
    const got: unknown[] = [];
    const pid = rt.spawn(
      style === 'generator'
        ? function* (self) { got.push(yield* self.await(gate.promise)); }
        : async (self) => { got.push(await self.await(gate.promise)); },
    );
    const other = rt.spawn(() => got.push('other ran'));
    await rt.idle();
    expect(got).toEqual(['other ran']);
    expect(rt.isAlive(pid)).toBe(true);
    expect(rt.isAlive(other)).toBe(false);
    gate.resolve('value');
    await rt.idle();
    expect(got).toEqual(['other ran', 'value']);
  });

  it('gets the rejection of an awaited promise thrown into the body', async () => {
    const { rt } = startRuntime();
    const caught: unknown[] = [];
    rt.spawn(
      style === 'generator'
        ? function* (self) {
            try { yield* self.await(Promise.reject(boom)); } catch (error) { caught.push(error); }
          }
        : async (self) => {
            try { await self.await(Promise.reject(boom)); } catch (error) { caught.push(error); }
          },
    );
    await rt.idle();
    expect(caught).toEqual([boom]);
  });
});
