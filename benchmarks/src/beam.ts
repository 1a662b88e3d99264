// The BEAM column: finds `erl`, compiles benchmarks/erlang/*.erl on demand and builds the command for one run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkloadSpec } from './catalog.js';
import type { ChildCommand } from './run-child.js';

const ERLANG_SOURCE_DIR = fileURLToPath(new URL('../erlang/', import.meta.url));
const EBIN_DIR = join(ERLANG_SOURCE_DIR, 'ebin');
const COOKIE = 'troupe_bench';

// skynet keeps ~1.1M processes alive at once; the default limit is 262,144.
const MAX_PROCESSES = '2097152';

export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}

export type CompileResult = { readonly ok: true; readonly ebin: string } | { readonly ok: false; readonly message: string };

/** Compiles every .erl whose .beam is missing or older, into benchmarks/erlang/ebin (gitignored). */
export function compileErlang(erlc: string): CompileResult {
  mkdirSync(EBIN_DIR, { recursive: true });
  const stale = readdirSync(ERLANG_SOURCE_DIR)
    .filter((file) => file.endsWith('.erl'))
    .filter((file) => {
      const beam = join(EBIN_DIR, file.replace(/\.erl$/, '.beam'));
      try {
        return statSync(beam).mtimeMs < statSync(join(ERLANG_SOURCE_DIR, file)).mtimeMs;
      } catch {
        return true;
      }
    });
  if (stale.length === 0) return { ok: true, ebin: EBIN_DIR };
  const result = spawnSync(erlc, ['-o', EBIN_DIR, ...stale], { cwd: ERLANG_SOURCE_DIR, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || String(result.error ?? result.signal);
    return { ok: false, message: `erlc failed: ${output}` };
  }
  return { ok: true, ebin: EBIN_DIR };
}

let nodeCounter = 0;

/**
 * `erl +S 1:1 -noshell -pa EBIN -eval 'bench_main:main(["<workload>","<size>"])' -s init stop`.
 * Distributed workloads also get a -name on 127.0.0.1, the cookie, and a dist
 * listener bound to loopback; ERL_EPMD_ADDRESS keeps an epmd that erl starts on loopback too.
 */
export function beamCommand(spec: WorkloadSpec, size: number, ebin: string, erl: string, cwd: string): ChildCommand {
  const distribution = spec.distributed
    ? [
        '-name', `troupe_bench_a_${process.pid}_${nodeCounter++}@127.0.0.1`,
        '-setcookie', COOKIE,
        '-kernel', 'inet_dist_use_interface', '{127,0,0,1}',
      ]
    : [];
  return {
    file: erl,
    args: [
      '+S', '1:1',
      '+P', MAX_PROCESSES,
      '-noshell',
      '-pa', ebin,
      ...distribution,
      '-eval', `bench_main:main(["${spec.name}","${size}"])`,
      '-s', 'init', 'stop',
    ],
    cwd,
    env: { ...process.env, ERL_EPMD_ADDRESS: '127.0.0.1' },
  };
}
