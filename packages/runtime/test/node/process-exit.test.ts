// A runtime never keeps Node alive by itself: once its work is done, a program exits.
// (Regression: the long-schedule watchdog's port was re-ref'd by its message listener.)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('process exit', () => {
  it('lets a program that used a runtime exit by itself', async () => {
    const script = fileURLToPath(new URL('./fixtures/exits-by-itself.ts', import.meta.url));
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', script], { timeout: 15_000 }, (error, stdout) => {
        resolve({ code: error === null ? 0 : (child.exitCode ?? -1), stdout });
      });
    });
    expect(result.stdout).toContain('finished');
    expect(result.code).toBe(0);
  }, 20_000);
});
