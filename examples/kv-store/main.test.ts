// Runs the kv-store example as a user would and checks what it reports.
import { describe, expect, it } from 'vitest';
import { runMain } from '../shared/run-main.js';

describe('examples/kv-store', () => {
  it('crashes the store on purpose; the supervisor restarts it and it keeps answering', async () => {
    const run = await runMain('kv-store');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('colour = blue, size = 3');
    expect(run.stdout).toMatch(/\[error\] crash report: process <[\d.]+> \(kv\) exited: error: Error: cannot store key 'poison'/);
    expect(run.stdout).toMatch(/\[error\] supervisor report: supervisor kv_sup, child_terminated: child 'kv'/);
    expect(run.stdout).toContain("the caller got: call to 'kv' failed");
    expect(run.stdout).toMatch(/kv is now <[\d.]+> \(was <[\d.]+>\)/);
    expect(run.stdout).toContain('greeting = hello, colour = undefined');
    expect(run.stdout).toContain('kv-store: OK');
  });
});
