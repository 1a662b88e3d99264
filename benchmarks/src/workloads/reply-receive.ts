// reply-receive-deep / -empty: make_ref, send {ref, from}, receive {ref, reply} `size` times (cf. erlang/bench_reply_receive.erl).
// `since: ref` is the ref trick: the 10,000 parked messages of the deep variant
// were queued before the ref was made, so the receive never looks at them.
import { Runtime, type Pid, type ProcessContext, type Ref } from '@troupe/runtime';
import { completion, secondsSince } from './completion.js';
import { defineWorkload, type RunOptions, type Variant } from './workload.js';

const PARKED = 10_000;

interface Request {
  readonly ref: Ref;
  readonly from: Pid;
}
interface Reply {
  readonly ref: Ref;
  readonly reply: 'ok';
}

function* generatorServer(self: ProcessContext): Generator<unknown, void, unknown> {
  for (;;) {
    const { ref, from } = (yield* self.receive()) as Request;
    self.send(from, { ref, reply: 'ok' } satisfies Reply);
  }
}

async function asyncServer(self: ProcessContext): Promise<void> {
  for (;;) {
    const { ref, from } = (await self.receive()) as Request;
    self.send(from, { ref, reply: 'ok' } satisfies Reply);
  }
}

const replyTo =
  (ref: Ref) =>
  (message: unknown): message is Reply =>
    (message as Reply).ref?.equals(ref) === true;

function park(self: ProcessContext, parked: number): void {
  for (let i = 0; i < parked; i++) self.send(self.pid, { unrelated: i });
}

async function runCalls(parked: number, variant: Variant, { size: calls }: RunOptions): Promise<number> {
  const rt = new Runtime();
  try {
    const done = completion<number>();
    let client: Pid;
    if (variant === 'generator') {
      const server = rt.spawn(generatorServer);
      client = rt.spawn(function* (self) {
        park(self, parked);
        const start = performance.now();
        for (let i = 0; i < calls; i++) {
          const ref = self.makeRef();
          self.send(server, { ref, from: self.pid } satisfies Request);
          yield* self.receive(replyTo(ref), { since: ref });
        }
        done.resolve(calls / secondsSince(start));
        yield* self.receive(() => false); // stay alive so the parked messages can be counted
      });
    } else {
      const server = rt.spawn(asyncServer);
      client = rt.spawn(async (self) => {
        park(self, parked);
        const start = performance.now();
        for (let i = 0; i < calls; i++) {
          const ref = self.makeRef();
          self.send(server, { ref, from: self.pid } satisfies Request);
          await self.receive(replyTo(ref), { since: ref });
        }
        done.resolve(calls / secondsSince(start));
        await self.receive(() => false);
      });
    }
    const opsPerSecond = await done.promise;
    const left = rt.processInfo(client)?.messageQueueLength;
    if (left !== parked) throw new Error(`reply-receive: ${left} messages left in the client mailbox, expected ${parked}`);
    return opsPerSecond;
  } finally {
    await rt.shutdown();
  }
}

export const replyReceiveDeep = defineWorkload('reply-receive-deep', {
  variants: ['generator', 'async'],
  run: (variant, options) => runCalls(PARKED, variant, options),
});

export const replyReceiveEmpty = defineWorkload('reply-receive-empty', {
  variants: ['generator', 'async'],
  run: (variant, options) => runCalls(0, variant, options),
});
