// Runs the demo (`pnpm demo`) as a user would and checks each narrated step.
import { describe, expect, it } from 'vitest';
import { runMain } from '../shared/run-main.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('examples/demo', () => {
  it('serves HTTP from gen_servers, survives crashes, escalates, fails over in a 3-node cluster, and exits by itself', async () => {
    const run = await runMain('demo');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { stdout } = run;
    expect(stdout).toMatch(/1\. Start the supervision tree\.\n.*\n\s+root <[\d.]+>\n\s+├─ services/);
    expect(stdout).toMatch(/2\. The http process listens on http:\/\/127\.0\.0\.1:\d+\./);
    expect(stdout).toContain('GET /kv/greeting -> 200 {"key":"greeting","value":"hello"}');
    expect(stdout).toContain('counts received: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20');
    expect(stdout).toContain('4. Crash the counter on purpose');
    expect(stdout).toMatch(/\[error\] crash report: process <[\d.]+> \(counter\) exited/);
    expect(stdout).toMatch(/POST \/crash\/counter -> 503/);
    expect(stdout).toMatch(/5\. 'services' restarts the counter[^\n]*\n.*\n\s+counter: <[\d.]+> -> <[\d.]+>; kv: still <[\d.]+>/);
    expect(stdout).toContain('6. Crash it twice more.');
    expect(stdout).toMatch(/\[error\] supervisor report: supervisor services, shutdown: .*reached_max_restart_intensity/);
    expect(stdout).toMatch(/\[error\] supervisor report: supervisor root, child_terminated: child 'services' \(<[\d.]+>\): shutdown/);
    expect(stdout).toContain("7. Restart intensity exceeded: 'services' gives up");
    expect(stdout).toContain('GET /kv/greeting -> 404');
    // Part 3: three OS processes on 127.0.0.1.
    expect(stdout).toContain('── Part 3: the cluster ──');
    expect(stdout).toMatch(/9\. Make this process a node: startDistribution/);
    expect(stdout).toMatch(/a@127\.0\.0\.1 listens on 127\.0\.0\.1:\d+; the port mapper answers on 127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/b@127\.0\.0\.1: OS process \d+, listening on 127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/c@127\.0\.0\.1: OS process \d+, listening on 127\.0\.0\.1:\d+/);
    expect(stdout).toContain('nodes() on b: [c@127.0.0.1]; on a: []');
    expect(stdout).toContain("11. a connects to b, and only to b: await cluster.connect('b@127.0.0.1').");
    expect(stdout).toContain('[a] nodeup b@127.0.0.1');
    expect(stdout).toContain('[a] nodeup c@127.0.0.1');
    expect(stdout).toContain('nodes() on a: [b@127.0.0.1, c@127.0.0.1]; on c: [a@127.0.0.1, b@127.0.0.1]');
    expect(stdout).toContain(`[a] inbox got "b@127.0.0.1 got 'hello from a'" from b@127.0.0.1`);
    expect(stdout).toContain(`[a] inbox got "c@127.0.0.1 got 'hello from a'" from c@127.0.0.1`);
    expect(stdout).toContain('put city=Lisbon on b; get city -> b: Lisbon, c: undefined, a: undefined');
    expect(stdout).toMatch(/PUT \/cluster\/kv\/motto 'let it crash' -> 200 \{"key":"motto","stored":\["c@127\.0\.0\.1","b@127\.0\.0\.1"\]\}/);
    expect(stdout).toContain('GET /cluster/kv/motto -> 200 {"key":"motto","value":"let it crash","node":"c@127.0.0.1"}');
    expect(stdout).toMatch(/kv on c is <\d+\.\d+\.\d+> \(a pid of node c@127\.0\.0\.1\)/);
    expect(stdout).toMatch(/16\. Kill c: SIGKILL to OS process \d+\./);
    expect(stdout).toMatch(/\[a\] nodedown c@127\.0\.0\.1 \(\w+\)/);
    expect(stdout).toMatch(/\[a\] watcher: DOWN for <[\d.]+>, reason noconnection; nodedown message for c: yes/);
    expect(stdout).toMatch(/\[b\] nodedown c@127\.0\.0\.1 \(\w+\)/);
    expect(stdout).toContain('nodes() on a: [b@127.0.0.1]; on b: [a@127.0.0.1]');
    expect(stdout).toContain("a call to { name: 'kv', node: c } now: CallExitError (noconnection)");
    expect(stdout).toContain('17. The service fails over');
    expect(stdout).toContain('GET /cluster/kv/motto -> 200 {"key":"motto","value":"let it crash","node":"b@127.0.0.1"}');
    expect(stdout).toContain(`PUT /cluster/kv/motto 'let it crash, and fail over' -> 200 {"key":"motto","stored":["b@127.0.0.1"]}`);
    expect(stdout).toContain('18. Stop everything.');
    expect(stdout).toMatch(/\[a\] nodedown b@127\.0\.0\.1/);
    expect(stdout).toContain('a request now: connection refused; port mapper: closed');
    expect(stdout).toContain('child processes still running: 0');
    expect(stdout).toContain('demo: OK');
    // No child node outlives the demo.
    const children = [...stdout.matchAll(/@127\.0\.0\.1: OS process (\d+)/g)].map((match) => Number(match[1]));
    expect(children).toHaveLength(2);
    for (const pid of children) expect(alive(pid)).toBe(false);
  });
});
