// Runs the demo (`pnpm demo`) as a user would and checks each narrated step.
import { describe, expect, it } from 'vitest';
import { runMain } from '../shared/run-main.js';

describe('examples/demo', () => {
  it('serves HTTP from gen_servers, survives crashes, escalates, and exits by itself', async () => {
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
    expect(stdout).toContain('9. Stop the tree');
    expect(stdout).toContain('a request now: connection refused');
    expect(stdout).toContain('demo: OK');
  });
});
