// One chat node in its own OS process, forked by main.ts:
//   node --import tsx examples/three-node-chat/node.ts <name@127.0.0.1> <port mapper port>
// with the cookie in $TROUPE_COOKIE. What its user would type arrives as IPC commands.
import { COOKIE_ENV, startDistribution } from '@troupe/dist';
import { Runtime } from '@troupe/runtime';
import { answerParent, tellReady } from '../shared/child-node.js';
import { compactLogger } from '../shared/compact-logger.js';
import { CHAT, chatRoom, type RoomMessage } from './chat-room.js';

const [name, portMapperPort] = process.argv.slice(2);
const cookie = process.env[COOKIE_ENV];
if (name === undefined || portMapperPort === undefined || cookie === undefined) {
  console.error(`usage: ${COOKIE_ENV}=<cookie> node --import tsx examples/three-node-chat/node.ts <name@127.0.0.1> <port mapper port>`);
  process.exit(64);
}

const runtime = new Runtime({ logger: compactLogger });
const cluster = await startDistribution(runtime, { name, cookie, portMapper: { host: '127.0.0.1', port: Number(portMapperPort) } });
runtime.spawn(chatRoom(cluster), { name: CHAT });
// The room hears about nodes coming and going from the cluster's events.
cluster.events.on('nodeup', (node) => runtime.send(CHAT, { kind: 'joined', node } satisfies RoomMessage));
cluster.events.on('nodedown', (node, { reason }) => runtime.send(CHAT, { kind: 'left', node, reason } satisfies RoomMessage));

answerParent({
  connect: ({ node }: { node: string }) => cluster.connect(node),
  nodes: () => cluster.nodes(),
  say: ({ text }: { text: string }) => runtime.send(CHAT, { kind: 'say', text } satisfies RoomMessage),
  async leave() {
    await cluster.stop(); // closes every connection: the others get nodedown
    await runtime.shutdown();
    setImmediate(() => process.exit(0));
  },
});
tellReady(cluster.name, cluster.address.port);
