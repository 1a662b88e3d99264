// supervisor-restart: a one_for_one supervisor restarts one gen_server worker `size` times
// (cf. erlang/bench_supervisor.erl). The driver kills the worker and waits for the `up`
// message the new worker sends from its init. Reports go to a silent logger, as the BEAM
// side sets the logger's primary level to none.
import { Supervisor, ok, type GenServerModule } from '@troupe/otp';
import { isPid, Runtime, silentLogger, type Pid } from '@troupe/runtime';
import { secondsSince } from './completion.js';
import { inClient } from './otp-client.js';
import { defineWorkload } from './workload.js';

interface Up {
  readonly kind: 'up';
  readonly pid: Pid;
}

const isUp = (message: unknown): message is Up => (message as Up | null)?.kind === 'up' && isPid((message as Up).pid);

// bench_supervisor_worker: announces itself to the driver from init.
const Worker: GenServerModule<{ state: Pid; args: Pid }> = {
  init(driver, self) {
    self.send(driver, { kind: 'up', pid: self.pid } satisfies Up);
    return ok(driver);
  },
};

// Intensity above the number of restarts, so the supervisor never gives up; period 1 s, as on the BEAM.
function spec(driver: Pid, restarts: number) {
  return {
    strategy: 'one_for_one',
    intensity: restarts + 1,
    periodMs: 1000,
    children: [{ id: 'worker', start: { module: Worker, args: driver } }],
  } as const;
}

function checkStarted(result: { kind: string }): void {
  if (result.kind !== 'ok') throw new Error(`supervisor-restart: the supervisor did not start: ${JSON.stringify(result)}`);
}

export const supervisorRestart = defineWorkload('supervisor-restart', {
  variants: ['generator', 'async'],
  async run(variant, { size: restarts }) {
    const rt = new Runtime({ logger: silentLogger });
    try {
      return await inClient(rt, variant, {
        *generator(self) {
          checkStarted(yield* Supervisor.startLink(self, spec(self.pid, restarts)));
          let worker = (yield* self.receive(isUp)).pid;
          const start = performance.now();
          for (let i = 0; i < restarts; i++) {
            self.exit(worker, 'kill');
            worker = (yield* self.receive(isUp)).pid;
          }
          return restarts / secondsSince(start);
        },
        async async(self) {
          checkStarted(await Supervisor.startLink(self, spec(self.pid, restarts)));
          let worker = (await self.receive(isUp)).pid;
          const start = performance.now();
          for (let i = 0; i < restarts; i++) {
            self.exit(worker, 'kill');
            worker = (await self.receive(isUp)).pid;
          }
          return restarts / secondsSince(start);
        },
      });
    } finally {
      await rt.shutdown();
    }
  },
});
