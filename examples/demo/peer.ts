// One more node of the demo's cluster, in its own OS process, forked by main.ts (part 3):
//   node --import tsx examples/demo/peer.ts <name@127.0.0.1> <port mapper port>
// with the cookie in $TROUPE_COOKIE. It runs the same `services` subtree as node a (counter,
// kv), an `inbox` that answers messages by registered name, and a function for rpc.
import { COOKIE_ENV, type Cluster, startDistribution } from '@troupe/dist';
import { Supervisor } from '@troupe/otp';
import { type ProcessContext, Runtime } from '@troupe/runtime';
import { answerParent, tellReady } from '../shared/child-node.js';
import { compactLogger } from '../shared/compact-logger.js';
import { isNote, type Note } from './cluster.js';
import { servicesSpec } from './tree.js';

const [name, portMapperPort] = process.argv.slice(2);
const cookie = process.env[COOKIE_ENV];
if (name === undefined || portMapperPort === undefined || cookie === undefined) {
  console.error(`usage: ${COOKIE_ENV}=<cookie> node --import tsx examples/demo/peer.ts <name@127.0.0.1> <port mapper port>`);
  process.exit(64);
}

const runtime = new Runtime({ logger: compactLogger });
// Listens on 127.0.0.1, any free port; registers that port under `name` with the port mapper.
const cluster: Cluster = await startDistribution(runtime, { name, cookie, portMapper: { host: '127.0.0.1', port: Number(portMapperPort) } });
const events: string[] = [];
cluster.events.on('nodeup', (node) => events.push(`nodeup ${node}`));
cluster.events.on('nodedown', (node, { reason }) => events.push(`nodedown ${node} (${reason})`));

const services = await Supervisor.start(runtime, servicesSpec, { name: 'services' });
if (services.kind !== 'ok') throw new Error(`services did not start: ${JSON.stringify(services)}`);

// The inbox answers each note by registered name, on the node the note came from.
runtime.spawn(
  async (self: ProcessContext) => {
    for (;;) {
      const note = await self.receive(isNote);
      self.send({ name: 'inbox', node: note.from }, { kind: 'note', from: self.node, text: `${self.node} got '${note.text}'` } satisfies Note);
    }
  },
  { name: 'inbox' },
);

// Callable from other nodes with cluster.rpc.call(node, 'whereis', [name]): closures cannot travel, names can.
cluster.registerFunction('whereis', (_self, registered: string) => runtime.whereis(registered));

answerParent({
  connect: ({ node }: { node: string }) => cluster.connect(node),
  nodes: () => cluster.nodes(),
  events: () => events,
  async leave() {
    await cluster.stop(); // closes its connections (the others see nodedown) and unregisters the name
    await runtime.shutdown();
    setImmediate(() => process.exit(0));
  },
});
tellReady(cluster.name, cluster.address.port);
