// spawn-exit: spawn `size` short-lived processes in batches of 10,000 (cf. erlang/bench_spawn_exit.erl).
// Same method as the BEAM side: each child sends one message to the driver and
// returns; the driver receives the whole batch before it spawns the next.
import { Runtime } from '@troupe/runtime';
import { completion, secondsSince } from './completion.js';
import { defineWorkload } from './workload.js';

const BATCH = 10_000;
const DONE = 'done';

export const spawnExit = defineWorkload('spawn-exit', {
  variants: ['generator', 'async'],
  async run(variant, { size: spawns }) {
    const rt = new Runtime();
    try {
      const done = completion<number>();
      if (variant === 'generator') {
        rt.spawn(function* (self) {
          const driver = self.pid;
          const child = function* (me: typeof self): Generator<unknown, void, unknown> {
            me.send(driver, DONE);
          };
          const start = performance.now();
          for (let left = spawns; left > 0; left -= BATCH) {
            const batch = Math.min(left, BATCH);
            for (let i = 0; i < batch; i++) self.spawn(child);
            for (let i = 0; i < batch; i++) yield* self.receive();
          }
          done.resolve(spawns / secondsSince(start));
        });
      } else {
        rt.spawn(async (self) => {
          const driver = self.pid;
          const child = async (me: typeof self): Promise<void> => {
            me.send(driver, DONE);
          };
          const start = performance.now();
          for (let left = spawns; left > 0; left -= BATCH) {
            const batch = Math.min(left, BATCH);
            for (let i = 0; i < batch; i++) self.spawn(child);
            for (let i = 0; i < batch; i++) await self.receive();
          }
          done.resolve(spawns / secondsSince(start));
        });
      }
      return await done.promise;
    } finally {
      await rt.shutdown();
    }
  },
});
