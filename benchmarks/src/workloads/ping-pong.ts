// ping-pong: a driver process and an echo process exchange `size` ping/pong pairs (cf. erlang/bench_ping_pong.erl).
import { Runtime, type Pid, type ProcessContext } from '@troupe/runtime';
import { completion, secondsSince } from './completion.js';
import { defineWorkload } from './workload.js';

const PONG = 'pong';

// The ping is the sender's pid itself: the smallest message that says where to reply.
function* generatorPong(self: ProcessContext): Generator<unknown, void, unknown> {
  for (;;) self.send((yield* self.receive()) as Pid, PONG);
}

async function asyncPong(self: ProcessContext): Promise<void> {
  for (;;) self.send((await self.receive()) as Pid, PONG);
}

export const pingPong = defineWorkload('ping-pong', {
  variants: ['generator', 'async'],
  async run(variant, { size: roundTrips }) {
    const rt = new Runtime();
    try {
      const done = completion<number>();
      if (variant === 'generator') {
        const pong = rt.spawn(generatorPong);
        rt.spawn(function* (self) {
          const start = performance.now();
          for (let i = 0; i < roundTrips; i++) {
            self.send(pong, self.pid);
            yield* self.receive();
          }
          done.resolve(roundTrips / secondsSince(start));
        });
      } else {
        const pong = rt.spawn(asyncPong);
        rt.spawn(async (self) => {
          const start = performance.now();
          for (let i = 0; i < roundTrips; i++) {
            self.send(pong, self.pid);
            await self.receive();
          }
          done.resolve(roundTrips / secondsSince(start));
        });
      }
      return await done.promise;
    } finally {
      await rt.shutdown();
    }
  },
});
