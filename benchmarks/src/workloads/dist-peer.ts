// The far node of the Troupe dist-* workloads: a second Node process running a runtime with
// distribution, and two registered processes, the mirror of erlang/bench_dist.erl's echo/0
// and sink/1. Forked by dist.ts (`node --import tsx dist-peer.ts <config json>`); it reports
// {ready: true} over IPC once both processes run, and exits when its parent goes away.
//
//   echo: [from, 'pid'] → from ! echo's own pid; [from, message] → from ! message
//   sink: ['sync', from] → from ! ['synced', count]; ['pid', from] → from ! sink's own pid;
//         anything else → count + 1
import { Runtime, silentLogger, type Pid, type ProcessContext } from '@troupe/runtime';
import { startDistribution } from '@troupe/dist';

export interface DistPeerConfig {
  readonly name: string;
  readonly port: number;
  readonly cookie: string;
  /** The benchmark's node, reached at this port (no port mapper on either side). */
  readonly main: { readonly name: string; readonly port: number };
  readonly maxMessageBytes: number;
}

function* echo(self: ProcessContext): Generator<unknown, void, unknown> {
  for (;;) {
    const [from, message] = (yield* self.receive()) as [Pid, unknown];
    self.send(from, message === 'pid' ? self.pid : message);
  }
}

function* sink(self: ProcessContext): Generator<unknown, void, unknown> {
  let count = 0;
  for (;;) {
    const message = (yield* self.receive()) as readonly unknown[];
    if (message[0] === 'sync') self.send(message[1] as Pid, ['synced', count]);
    else if (message[0] === 'pid') self.send(message[1] as Pid, self.pid);
    else count++;
  }
}

async function main(config: DistPeerConfig): Promise<void> {
  const rt = new Runtime({ logger: silentLogger });
  await startDistribution(rt, {
    name: config.name,
    cookie: config.cookie,
    portMapper: false,
    listen: { host: '127.0.0.1', port: config.port },
    peers: { [config.main.name]: { host: '127.0.0.1', port: config.main.port } },
    maxMessageBytes: config.maxMessageBytes,
  });
  rt.spawn(echo, { name: 'echo' });
  rt.spawn(sink, { name: 'sink' });
  process.send?.({ ready: true });
}

process.on('disconnect', () => process.exit(0));
main(JSON.parse(process.argv[2] ?? '{}') as DistPeerConfig).catch((error: unknown) => {
  process.stderr.write(`dist-peer: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
