// The README's tour is these two files, verbatim: this test runs them and checks that the
// README still quotes them exactly, so the README cannot drift from working code.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

function run(file: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', here(file)], { timeout: 30_000 }, (error, stdout) => {
      resolve({ code: error === null ? 0 : (child.exitCode ?? -1), stdout });
    });
  });
}

describe('README tour', () => {
  it('runs the local tour: receive, monitor, gen_server under a supervisor', async () => {
    const { code, stdout } = await run('./tour.ts');
    expect(code).toBe(0);
    expect(stdout).toContain('echo: hi');
    expect(stdout).toContain('echo ended: normal');
    expect(stdout).toContain('counter: 1');
  });

  it('runs the two-node tour: connect, send to {name, node}, get the answer', async () => {
    const { code, stdout } = await run('./cluster.ts');
    expect(code).toBe(0);
    expect(stdout).toContain("b sees: [ 'a@127.0.0.1' ]");
    expect(stdout).toContain('hello b, from a@127.0.0.1');
  });

  it('is quoted verbatim by the README', () => {
    const readme = readFileSync(here('../../README.md'), 'utf8');
    for (const file of ['./tour.ts', './cluster.ts']) {
      expect(readme).toContain('```ts\n' + readFileSync(here(file), 'utf8') + '```');
    }
  });
});
