// The Troupe demo (`pnpm demo`): an actor-based HTTP service, its supervision tree at work, and a cluster.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { formatReason, isDownMessage, isPid, Runtime, type DownMessage, type Pid } from '@troupe/runtime';
import { CallExitError, GenServer, Supervisor } from '@troupe/otp';
import { COOKIE_ENV, isNodeDownMessage, startDistribution, type Cluster } from '@troupe/dist';
import { ChildNode, freePort, killChildren } from '../shared/child-node.js';
import { compactLogger } from '../shared/compact-logger.js';
import { check, runExample } from '../shared/run-example.js';
import { Backends, isNote, kvOn, type Note } from './cluster.js';
import { endpoint } from './http-endpoint.js';
import { kv } from './services.js';
import { rootSpec, SERVICES_INTENSITY } from './tree.js';

/** A pause after each step, so a human can read along. */
const PAUSE_MS = 1100;

const rt = new Runtime({ logger: compactLogger });
let base = '';

// Part 3: this process is node a; peer.ts runs b and c in child processes.
const A = 'a@127.0.0.1';
const B = 'b@127.0.0.1';
const C = 'c@127.0.0.1';
const PEER = fileURLToPath(new URL('./peer.ts', import.meta.url));
/** The cluster's shared secret: every node must know it (here a fresh one per run, handed to b and c in $TROUPE_COOKIE). */
const COOKIE = randomBytes(16).toString('hex');
/** Where the http endpoint's /cluster/kv routes go: set once the cluster is up (step 14). */
const backends = new Backends();
let cluster: Cluster | undefined;

function step(n: number, title: string, ...why: string[]): void {
  console.log(`\n${n}. ${title}`);
  for (const line of why) console.log(`   ${line}`);
}

async function http(method: string, path: string, body?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, { method, body });
  const answer = { status: response.status, body: (await response.json()) as Record<string, unknown> };
  console.log(`   ${method} ${path}${body === undefined ? '' : ` '${body}'`} -> ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Waits until `name` is registered to a new process: the supervisor has restarted it. */
async function restarted(name: string, old: Pid): Promise<Pid> {
  for (let waited = 0; waited < 2000; waited += 10) {
    const pid = rt.whereis(name);
    if (pid !== undefined && !pid.equals(old)) return pid;
    await sleep(10);
  }
  throw new Error(`'${name}' was not restarted within 2 s`);
}

function pidOf(name: string): Pid {
  const pid = rt.whereis(name);
  check(pid !== undefined, `'${name}' is not running`);
  return pid;
}

/** Polls `condition` every 10 ms; throws `what` if it does not hold within `ms`. */
async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  for (const deadline = Date.now() + ms; !(await condition()); await sleep(10)) {
    if (Date.now() > deadline) throw new Error(`${what} (waited ${ms} ms)`);
  }
}

/** Rejects with `what` if `promise` does not settle within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what} (waited ${ms} ms)`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const list = (nodes: readonly string[]) => `[${[...nodes].sort().join(', ')}]`;

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function showTree(): void {
  const [root, services, counter, kv, http] = ['root', 'services', 'counter', 'kv', 'http'].map((name) => String(rt.whereis(name)));
  console.log(`   root ${root}\n   ├─ services ${services}\n   │   ├─ counter ${counter}\n   │   └─ kv ${kv}\n   └─ http ${http}`);
}

await runExample('demo', async () => {
  try {
    console.log('Troupe demo: Erlang/OTP-style processes and supervisors in one Node.js process, then a cluster of three.');
    console.log('\n── Part 1: an actor-based Node application ──');

    step(1, 'Start the supervision tree.', 'Each box is a process; supervisors start their children in order and watch them.');
    const root = await Supervisor.start(rt, rootSpec(rt, backends), { name: 'root' });
    check(root.kind === 'ok', `the tree did not start: ${JSON.stringify(root)}`);
    showTree();
    await sleep(PAUSE_MS);

    const port = await GenServer.call(rt, endpoint, 'port');
    base = `http://127.0.0.1:${port}`;
    step(2, `The http process listens on ${base}.`, 'Its request handlers are plain Node code that call the services with GenServer.call(runtime, ...).');
    await http('PUT', '/kv/greeting', 'hello');
    const greeting = await http('GET', '/kv/greeting');
    check(greeting.status === 200 && greeting.body.value === 'hello', 'GET /kv/greeting should answer hello');
    await sleep(PAUSE_MS);

    step(3, 'Send 20 requests to GET /count at once.', 'One process owns the count and handles one call at a time, so no two requests get the same number.');
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${base}/count`).then((r) => r.json() as Promise<{ count: number }>)));
    const counts = answers.map((a) => a.count).sort((a, b) => a - b);
    console.log(`   counts received: ${counts.join(' ')}`);
    check(new Set(counts).size === 20 && counts[19] === 20, 'the 20 requests should get 20 distinct counts, 1 to 20');
    await sleep(PAUSE_MS);

    console.log('\n── Part 2: a supervised service tree ──');
    step(4, 'Crash the counter on purpose: POST /crash/counter.', 'The counter throws, so its process dies (the crash report below). The request', 'that was waiting on it gets a CallExitError, which the endpoint turns into a 503.');
    const counterBefore = pidOf('counter');
    const kvBefore = pidOf('kv');
    const crash = await http('POST', '/crash/counter');
    check(crash.status === 503, `the crash request should answer 503, got ${crash.status}`);
    await sleep(PAUSE_MS);

    step(5, "'services' restarts the counter, and only the counter (strategy one_for_one).", 'The new counter starts from 0; kv was not touched, so its data is still there.');
    const counterAfter = await restarted('counter', counterBefore);
    console.log(`   counter: ${counterBefore} -> ${counterAfter}; kv: still ${pidOf('kv')}`);
    check(pidOf('kv').equals(kvBefore), 'kv should not be restarted under one_for_one');
    check((await http('GET', '/count')).body.count === 1, 'the restarted counter should start from 0');
    check((await http('GET', '/kv/greeting')).body.value === 'hello', 'kv should keep its data');
    await sleep(PAUSE_MS);

    step(6, `Crash it twice more. 'services' allows ${SERVICES_INTENSITY.intensity} restarts in ${SERVICES_INTENSITY.periodMs / 1000} s:`, 'the first crash uses up the second restart; the next one is one too many.');
    await http('POST', '/crash/counter');
    const counterThird = await restarted('counter', counterAfter);
    console.log(`   restarted again: counter ${counterThird}`);
    const servicesBefore = pidOf('services');
    const httpBefore = pidOf('http');
    await http('POST', '/crash/counter');
    await sleep(PAUSE_MS);

    step(7, "Restart intensity exceeded: 'services' gives up — it stops kv and exits — and the", "escalation goes one level up: 'root' restarts the whole services subtree with fresh children.", 'The http process is a separate child of root: untouched, same process, same port.');
    await restarted('kv', kvBefore);
    const servicesAfter = await restarted('services', servicesBefore);
    showTree();
    check(!servicesAfter.equals(servicesBefore), 'services should be a new process');
    check(pidOf('http').equals(httpBefore), 'http should not be restarted');
    await sleep(PAUSE_MS);

    step(8, 'The service keeps answering on the same port. The restarted subtree starts clean:', 'state lives in processes, so kv is empty again and the counter is back to 1.');
    check((await http('GET', '/count')).body.count === 1, 'the new counter should start from 0');
    check((await http('GET', '/kv/greeting')).status === 404, 'the new kv should be empty');
    await http('PUT', '/kv/greeting', 'hello again');
    check((await http('GET', '/kv/greeting')).body.value === 'hello again', 'the new kv should accept puts');
    await sleep(PAUSE_MS);

    console.log('\n── Part 3: the cluster ──');
    const portMapperPort = await freePort();
    step(
      9,
      `Make this process a node: startDistribution(runtime, { name: '${A}', cookie, portMapper }).`,
      `Nodes find each other through a port mapper (epmd's protocol) on 127.0.0.1:${portMapperPort}. None runs`,
      "there yet, so a starts the embedded one, then listens on a free port and registers it under 'a'.",
    );
    const a = await startDistribution(rt, { name: A, cookie: COOKIE, portMapper: { host: '127.0.0.1', port: portMapperPort } });
    cluster = a;
    a.events.on('nodeup', (node) => console.log(`   [a] nodeup ${node}`));
    a.events.on('nodedown', (node, { reason }) => console.log(`   [a] nodedown ${node} (${reason})`));
    console.log(`   ${a.name} listens on 127.0.0.1:${a.address.port}; the port mapper answers on 127.0.0.1:${portMapperPort}`);
    check(await listening(portMapperPort), 'the embedded port mapper should be listening');
    // a's inbox prints every note it gets; the nodes' inboxes answer each other by registered name.
    const notes: Note[] = [];
    rt.spawn(
      async (self) => {
        for (;;) {
          const note = await self.receive(isNote);
          notes.push(note);
          console.log(`   [a] inbox got "${note.text}" from ${note.from}`);
        }
      },
      { name: 'inbox' },
    );
    await sleep(PAUSE_MS);

    step(
      10,
      'Start two more Node processes, b and c: examples/demo/peer.ts, forked with the same cookie.',
      'Each starts its own runtime and distribution, registers with the same port mapper, and runs the',
      'same services subtree as a (counter, kv) and an inbox. Then c connects to b.',
    );
    const startPeer = (name: string) =>
      ChildNode.fork(PEER, [name, String(portMapperPort)], { label: name.split('@')[0]!, env: { [COOKIE_ENV]: COOKIE } });
    const [b, c] = await Promise.all([startPeer(B), startPeer(C)]);
    for (const peer of [b, c]) console.log(`   ${peer.name}: OS process ${peer.osPid}, listening on 127.0.0.1:${peer.port}`);
    await c.request('connect', { node: B });
    console.log(`   nodes() on b: ${list(await b.request<string[]>('nodes'))}; on a: ${list(a.nodes())}`);
    check(a.nodes().length === 0, 'a should not be connected to anyone yet');
    await sleep(PAUSE_MS);

    step(
      11,
      `a connects to b, and only to b: await cluster.connect('${B}').`,
      "The port mapper tells a where b listens; the handshake proves both sides know the cookie. b then",
      'tells a which nodes it is connected to, and a connects to c as well: a full mesh from a single connect.',
    );
    await a.connect(B);
    await until(() => a.nodes().length === 2, 5000, 'a should be connected to b and to c (full mesh)');
    const nodesOnC = await c.request<string[]>('nodes');
    console.log(`   nodes() on a: ${list(a.nodes())}; on c: ${list(nodesOnC)}`);
    check(list(a.nodes()) === list([B, C]) && list(nodesOnC) === list([A, B]), 'a, b and c should form a full mesh');
    await sleep(PAUSE_MS);

    step(
      12,
      "Send by registered name, both ways: a sends a note to { name: 'inbox', node: b } and to c's inbox.",
      "Each inbox answers to { name: 'inbox', node: <the note's sender> }: no pid needed on either side.",
    );
    for (const node of [B, C]) rt.send({ name: 'inbox', node }, { kind: 'note', from: A, text: 'hello from a' } satisfies Note);
    await until(() => notes.length === 2, 3000, "a's inbox should get an answer from b and from c");
    check(list(notes.map((note) => note.from)) === list([B, C]), 'the answers should come from b and c');
    await sleep(PAUSE_MS);

    step(
      13,
      `Call a gen_server on another node: GenServer.call(runtime, { name: 'kv', node: '${B}' }, request).`,
      'The same call as in part 1, with {name, node} for the server: request and reply travel over the',
      "connection. Each node's kv is its own process with its own data.",
    );
    await GenServer.call(rt, kvOn(B), { kind: 'put', key: 'city', value: 'Lisbon' });
    const cityOnB = await GenServer.call(rt, kvOn(B), { kind: 'get', key: 'city' });
    const cityOnC = await GenServer.call(rt, kvOn(C), { kind: 'get', key: 'city' });
    const cityOnA = await GenServer.call(rt, kv, { kind: 'get', key: 'city' });
    console.log(`   put city=Lisbon on b; get city -> b: ${cityOnB}, c: ${cityOnC}, a: ${cityOnA}`);
    check(cityOnB === 'Lisbon' && cityOnC === undefined && cityOnA === undefined, 'only the kv on b should have the city');
    await sleep(PAUSE_MS);

    backends.use(a, [C, B]);
    step(
      14,
      'The HTTP endpoint from part 1 gets a cluster kv (cluster.ts): PUT /cluster/kv/:key writes to the kv',
      'of every live node, c and b; GET /cluster/kv/:key reads from the first live one that answers, c first.',
    );
    const put = await http('PUT', '/cluster/kv/motto', 'let it crash');
    check(list(put.body.stored as string[]) === list([B, C]), 'the write should be stored on b and c');
    const motto = await http('GET', '/cluster/kv/motto');
    check(motto.status === 200 && motto.body.node === C, 'c should answer the read');
    await sleep(PAUSE_MS);

    step(
      15,
      "A process on a monitors c's kv, and node c itself.",
      "rpc.call(c, 'whereis', ['kv']) runs a function that peer.ts registered under that name (closures",
      "cannot travel, names can) and returns kv's pid. The watcher monitors that pid and calls monitorNode(c).",
    );
    const kvOnC = await a.rpc.call(C, 'whereis', ['kv'], 2000);
    check(isPid(kvOnC) && kvOnC.node === C, `whereis on c should return a pid on c, got ${String(kvOnC)}`);
    console.log(`   kv on c is ${kvOnC} (a pid of node ${kvOnC.node})`);
    const watched = new Promise<{ down: DownMessage; nodedown: boolean }>((resolve) => {
      rt.spawn(
        async (self) => {
          const ref = self.monitor(kvOnC);
          a.monitorNode(self, C);
          const down = await self.receive((m): m is DownMessage => isDownMessage(m, ref));
          const nodedown = await self.receive((m) => isNodeDownMessage(m, C), { after: 1000 });
          resolve({ down, nodedown: isNodeDownMessage(nodedown, C) });
        },
        { name: 'watcher' },
      );
    });
    console.log(`   watcher ${rt.whereis('watcher')} is monitoring ${kvOnC} and node ${C}`);
    await sleep(PAUSE_MS);

    step(
      16,
      `Kill c: SIGKILL to OS process ${c.osPid}. No goodbye, but the kernel closes its sockets, so a and b`,
      'see the connection drop at once (a node that just hangs is declared down after the tick time).',
      "Every monitor and link across that connection fires, with reason 'noconnection'.",
    );
    await c.kill('SIGKILL');
    const { down, nodedown } = await within(watched, 5000, 'the watcher should get a DOWN for the kv on c');
    console.log(`   [a] watcher: DOWN for ${down.target}, reason ${formatReason(down.reason)}; nodedown message for c: ${nodedown ? 'yes' : 'no'}`);
    check(down.reason === 'noconnection', `the DOWN reason should be noconnection, got ${formatReason(down.reason)}`);
    check(nodedown, 'the watcher should get a nodedown message for c');
    await until(async () => (await b.request<string[]>('events')).some((e) => e.startsWith(`nodedown ${C}`)), 3000, 'b should see c go down');
    console.log(`   [b] ${(await b.request<string[]>('events')).find((e) => e.startsWith(`nodedown ${C}`))}`);
    console.log(`   nodes() on a: ${list(a.nodes())}; on b: ${list(await b.request<string[]>('nodes'))}`);
    check(list(a.nodes()) === list([B]), 'a should only be connected to b now');
    const direct = await GenServer.call(rt, kvOn(C), { kind: 'get', key: 'motto' }, 2000).then(
      () => 'answered!',
      (error: unknown) => (error instanceof CallExitError ? `CallExitError (${formatReason(error.reason)})` : String(error)),
    );
    console.log(`   a call to { name: 'kv', node: c } now: ${direct}`);
    check(direct === 'CallExitError (noconnection)', 'a call to c should fail with noconnection');
    await sleep(PAUSE_MS);

    step(
      17,
      'The service fails over: c is no longer in nodes(), so the endpoint passes it over and reads from b,',
      'which got every write too. New writes go to the live nodes only.',
    );
    const failover = await http('GET', '/cluster/kv/motto');
    check(failover.status === 200 && failover.body.node === B && failover.body.value === 'let it crash', 'b should answer the read');
    const again = await http('PUT', '/cluster/kv/motto', 'let it crash, and fail over');
    check(list(again.body.stored as string[]) === list([B]), 'the write should be stored on b only');
    check((await http('GET', '/cluster/kv/motto')).body.value === 'let it crash, and fail over', 'b should have the new value');
    await sleep(PAUSE_MS);

    step(
      18,
      'Stop everything. b leaves the cluster (cluster.stop(): its connections close, a sees nodedown), a stops',
      'distribution (its embedded port mapper closes too), and root stops its children in reverse order: http',
      "first, then services. The http process's terminate closes the server, so nothing is left listening.",
    );
    await b.request('leave');
    await within(b.exited, 5000, 'b should exit after leaving');
    await until(() => a.nodes().length === 0, 3000, 'a should see b leave');
    await a.stop();
    await GenServer.stop(rt, 'root');
    const refused = await fetch(`${base}/count`).then(
      () => false,
      () => true,
    );
    const mapperGone = !(await listening(portMapperPort));
    console.log(`   a request now: ${refused ? 'connection refused' : 'still answered!'}; port mapper: ${mapperGone ? 'closed' : 'still listening!'}`);
    console.log(`   child processes still running: ${[b, c].filter((peer) => peer.running).length}`);
    check(refused, 'the server should be closed once the tree is stopped');
    check(mapperGone, 'the embedded port mapper should be closed with distribution');
    check(!b.running && !c.running, 'b and c should have exited');
  } finally {
    // Also when a step failed: no child process, listener or port mapper may outlive the demo.
    await killChildren();
    await cluster?.stop();
    // rt.shutdown() ends processes without running terminate, so the http server would stay open.
    if (rt.whereis('root') !== undefined) await within(GenServer.stop(rt, 'root'), 5000, 'root did not stop').catch(() => {});
    await rt.shutdown();
  }
}, 60_000); // the deadline: parts 1–3 take about 20 s
