// Three-node chat: three Node processes on 127.0.0.1, a chat room on each, one full mesh;
// then one node leaves and the others see it go. This program forks the nodes and narrates.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { COOKIE_ENV } from '@troupe/dist';
import { ChildNode, freePort, killChildren } from '../shared/child-node.js';
import { check, runExample } from '../shared/run-example.js';

const NODE = fileURLToPath(new URL('./node.ts', import.meta.url));
/** Every node of a cluster shares the cookie: a fresh one per run, handed over in $TROUPE_COOKIE. */
const COOKIE = randomBytes(16).toString('hex');

function step(n: number, title: string, ...why: string[]): void {
  console.log(`\n${n}. ${title}`);
  for (const line of why) console.log(`   ${line}`);
}

const list = (nodes: readonly string[]) => `[${[...nodes].sort().join(', ')}]`;

/** Resolves once each of `nodes` printed a line matching `pattern` (waiting starts now). */
function allPrint(nodes: readonly ChildNode[], pattern: RegExp): Promise<string[]> {
  return Promise.all(nodes.map((node) => node.waitForLine(pattern)));
}

async function until(condition: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  for (const deadline = Date.now() + ms; !(await condition()); await sleep(10)) {
    if (Date.now() > deadline) throw new Error(`${what} (waited ${ms} ms)`);
  }
}

await runExample('three-node-chat', async () => {
  try {
    console.log('Three-node chat: three Node processes on 127.0.0.1, a chat room in each, one cluster.');
    const portMapperPort = await freePort();
    const start = (name: string) =>
      ChildNode.fork(NODE, [`${name}@127.0.0.1`, String(portMapperPort)], { label: name, env: { [COOKIE_ENV]: COOKIE } });

    step(
      1,
      'Start three nodes, alice, bob and carol: examples/three-node-chat/node.ts, each in its own process.',
      `alice starts first. No port mapper answers on 127.0.0.1:${portMapperPort}, so she runs the embedded one;`,
      "bob and carol register with hers. Each node spawns its chat room, registered as 'chat'.",
    );
    const alice = await start('alice');
    const [bob, carol] = await Promise.all([start('bob'), start('carol')]);
    const all = [alice, bob, carol];
    for (const node of all) console.log(`   ${node.name}: OS process ${node.osPid}, listening on 127.0.0.1:${node.port}`);

    step(
      2,
      'bob and carol each connect to alice, and only to her. alice tells each of them about the other,',
      'so bob and carol connect to each other too: a full mesh. Each room prints who joined (nodeup).',
    );
    const joined = Promise.all(
      all.flatMap((node) => all.filter((other) => other !== node).map((other) => node.waitForLine(new RegExp(`^\\* ${other.label} joined$`)))),
    );
    await Promise.all([bob.request('connect', { node: alice.name }), carol.request('connect', { node: alice.name })]);
    await joined;
    for (const node of all) {
      const nodes = await node.request<string[]>('nodes');
      console.log(`   nodes() on ${node.label}: ${list(nodes)}`);
      check(nodes.length === 2, `${node.label} should be connected to both others`);
    }

    step(3, "alice types 'hi all'. Her room sends it to { name: 'chat', node } for her own node and each of cluster.nodes().");
    let heard = allPrint(all, /^<alice> hi all$/);
    await alice.request('say', { text: 'hi all' });
    await heard;

    step(4, "carol answers 'hello from carol', the same way.");
    heard = allPrint(all, /^<carol> hello from carol$/);
    await carol.request('say', { text: 'hello from carol' });
    await heard;

    step(
      5,
      'carol leaves: cluster.stop() closes her connections, and her process exits.',
      "alice and bob get nodedown for her, and their rooms say so. (carol's own room may still see the",
      "others go, with reason 'shutdown', before her process ends.)",
    );
    const left = allPrint([alice, bob], /^\* carol left \(\w+\)$/);
    await carol.request('leave');
    await carol.exited;
    await left;
    await until(async () => (await alice.request<string[]>('nodes')).length === 1 && (await bob.request<string[]>('nodes')).length === 1, 3000, 'carol should be gone from nodes()');
    console.log(`   nodes() on alice: ${list(await alice.request('nodes'))}; on bob: ${list(await bob.request('nodes'))}`);

    step(6, "bob types 'just us now?'. cluster.nodes() on bob is [alice], so the message goes to alice and bob only.");
    heard = allPrint([alice, bob], /^<bob> just us now\?$/);
    await bob.request('say', { text: 'just us now?' });
    await heard;
    check(!carol.lines.some((line) => line.includes('just us now?')), 'carol should not hear anything after she left');

    step(7, 'alice and bob leave too. No process is left behind.');
    await bob.request('leave');
    await alice.request('leave');
    await Promise.all(all.map((node) => node.exited));
    console.log(`   nodes still running: ${all.filter((node) => node.running).length}`);
  } finally {
    await killChildren(); // on a failure too: no node outlives the program
  }
}, 20_000);
