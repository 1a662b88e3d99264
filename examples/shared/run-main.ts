// Test helper: runs an example's main.ts in a child `node --import tsx` and collects its output.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ExampleRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `examples/<name>/main.ts` to completion (killed after `timeoutMs`). */
export function runMain(name: string, timeoutMs = 50_000): Promise<ExampleRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `examples/${name}/main.ts`],
      { cwd: repoRoot, timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}
