// Dirty work: CPU-heavy tasks on worker threads suspend only the calling process.
// These tests use the real clock: they are about threads, not time.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessBody, ProcessContext, Receive } from '@troupe/runtime';
import { systemClock } from '@troupe/runtime';
import { deferred, startRuntime, stopRuntimes } from '../support/runtime.js';
import { BODY_STYLES, type BodyStyle } from '../support/bodies.js';

afterEach(stopRuntimes);

const sumBelow = (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += i;
  return s;
};
const failing = (message: string): never => {
  throw new Error(message);
};
const squareTask = { module: new URL('./fixtures/dirty-task.mjs', import.meta.url).href, name: 'square' };

function realRuntime() {
  return startRuntime({ clock: systemClock });
}

/** A body that runs `work` (a dirty call) in the given style and records the outcome. */
function dirtyBody(style: BodyStyle, work: (self: ProcessContext) => Receive<unknown>, out: unknown[]): ProcessBody {
  return style === 'generator'
    ? function* (self) {
        try {
          out.push(yield* work(self));
        } catch (error) {
          out.push(['caught', error]);
        }
      }
    : async (self) => {
        try {
          out.push(await work(self));
        } catch (error) {
          out.push(['caught', error]);
        }
      };
}

describe.each(BODY_STYLES)('self.dirty in a %s body', (style) => {
  it('returns the value the function task computed on a worker thread', async () => {
    const { rt } = realRuntime();
    const out: unknown[] = [];
    rt.spawn(dirtyBody(style, (self) => self.dirty(sumBelow, 1000), out));
    await rt.idle();
    expect(out).toEqual([499500]);
  });

  it('throws the error of a failing task into the process, where it can be caught', async () => {
    const { rt } = realRuntime();
    const out: unknown[] = [];
    const pid = rt.spawn(dirtyBody(style, (self) => self.dirty(failing, 'no luck'), out));
    await rt.idle();
    expect(out).toHaveLength(1);
    const [tag, error] = out[0] as [string, Error];
    expect(tag).toBe('caught');
    expect(error.message).toBe('no luck');
    expect(rt.isAlive(pid)).toBe(false);
  });

  it('runs an exported function of a module task', async () => {
    const { rt } = realRuntime();
    const out: unknown[] = [];
    rt.spawn(dirtyBody(style, (self) => self.dirty(squareTask, 12), out));
    await rt.idle();
    expect(out).toEqual([144]);
  });
});

describe('dirty work', () => {
  it('keeps other processes running while a task occupies a worker thread', async () => {
    const { rt } = realRuntime();
    // The task blocks its worker until the test releases it, so "meanwhile" is certain.
    const latch = new Int32Array(new SharedArrayBuffer(8));
    const blockUntilReleased = (shared: Int32Array): number => {
      Atomics.wait(shared, 0, 0);
      return shared[1]!;
    };
    const out: unknown[] = [];
    const busy = rt.spawn(function* (self) {
      out.push(yield* self.dirty(blockUntilReleased, latch));
    });
    const echo = rt.spawn(function* (self) {
      for (;;) {
        const from = (yield* self.receive()) as typeof busy;
        self.send(from, 'pong');
      }
    });
    const answered = deferred<string | undefined>();
    rt.spawn(function* (self) {
      self.send(echo, self.pid);
      yield* self.receive();
      answered.resolve(rt.processInfo(busy)?.waitingFor);
    });
    expect(await answered.promise).toBe('dirty work');
    expect(rt.processInfo(busy)?.status).toBe('suspended');
    Atomics.store(latch, 1, 42);
    Atomics.store(latch, 0, 1);
    Atomics.notify(latch, 0);
    await rt.idle();
    expect(out).toEqual([42]);
  });

  it('rejects a task that is neither a function nor a module reference with a TypeError', async () => {
    const { rt } = realRuntime();
    const out: unknown[] = [];
    rt.spawn(dirtyBody('generator', (self) => self.dirty({ nope: true } as never), out));
    await rt.idle();
    expect((out[0] as [string, unknown])[1]).toBeInstanceOf(TypeError);
  });
});
