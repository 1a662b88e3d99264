// Runs the three-node chat as a user would and checks what each node printed.
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

describe('examples/three-node-chat', () => {
  it('meshes three processes, broadcasts by {name, node}, and reports a node that leaves', async () => {
    const run = await runMain('three-node-chat', 20_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { stdout } = run;
    const children = [...stdout.matchAll(/^ {3}(alice|bob|carol)@127\.0\.0\.1: OS process (\d+), listening on 127\.0\.0\.1:\d+$/gm)];
    expect(children.map((match) => match[1])).toEqual(['alice', 'bob', 'carol']);
    // The full mesh: everyone saw the two others join, from two connects to alice.
    for (const [node, others] of [['alice', ['bob', 'carol']], ['bob', ['alice', 'carol']], ['carol', ['alice', 'bob']]] as const) {
      for (const other of others) expect(stdout).toContain(`[${node}] * ${other} joined`);
      expect(stdout).toContain(`nodes() on ${node}: [${others.map((o) => `${o}@127.0.0.1`).join(', ')}]`);
    }
    for (const node of ['alice', 'bob', 'carol']) {
      expect(stdout).toContain(`[${node}] <alice> hi all`);
      expect(stdout).toContain(`[${node}] <carol> hello from carol`);
    }
    expect(stdout).toMatch(/\[alice\] \* carol left \(\w+\)/);
    expect(stdout).toMatch(/\[bob\] \* carol left \(\w+\)/);
    expect(stdout).toContain('nodes() on alice: [bob@127.0.0.1]; on bob: [alice@127.0.0.1]');
    expect(stdout).toContain('[alice] <bob> just us now?');
    expect(stdout).toContain('[bob] <bob> just us now?');
    expect(stdout).not.toContain('[carol] <bob> just us now?');
    expect(stdout).toContain('nodes still running: 0');
    expect(stdout).toContain('three-node-chat: OK');
    for (const match of children) expect(alive(Number(match[2]))).toBe(false);
    expect(run.ms).toBeLessThan(10_000);
  });
});
