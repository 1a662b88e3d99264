// What the Troupe column measures: the packages as tsc compiles them (each package's
// dist/, what a published package ships), not the TypeScript sources through tsx, whose
// keep-names wrappers (`__name(…)` on classes and closures) cost hot paths ~20%.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The export condition under which `@troupe/*` resolve to their compiled `dist/` entry. */
export const COMPILED_CONDITION = '--conditions=troupe-compiled';

const PACKAGES = ['runtime', 'otp', 'dist'] as const;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Compiles every package into its dist/ with the workspace's tsc; throws with tsc's output if one fails. */
export function compilePackages(log: (line: string) => void): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  for (const name of PACKAGES) {
    log(`compiling @troupe/${name} (tsc) …`);
    const result = spawnSync(process.execPath, [tsc, '-p', `packages/${name}/tsconfig.json`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || String(result.error ?? result.signal);
      throw new Error(`pnpm bench: tsc could not compile @troupe/${name}:\n${output}`);
    }
  }
}

/**
 * Node flags for a process forked by a workload (a dist peer): the parent's export
 * condition, so both ends of a measurement run the same build.
 */
export function inheritedConditions(): string[] {
  return process.execArgv.filter((arg) => arg.startsWith('--conditions'));
}
