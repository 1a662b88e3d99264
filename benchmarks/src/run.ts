// `pnpm bench`: runs the catalog's workloads on Troupe and on the BEAM, prints one table, writes JSON rows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { beamCommand, compileErlang, findExecutable } from './beam.js';
import { WORKLOADS, type WorkloadSpec } from './catalog.js';
import { COMPILED_CONDITION, compilePackages } from './compiled.js';
import { measureWorkload, type Cell, type Contender } from './measure.js';
import { killAllChildren, type ChildCommand } from './run-child.js';
import { renderTable, type Row } from './table.js';
import { variantsOf } from './workloads/index.js';
import { systemOf, type Variant } from './workloads/workload.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const LAST_RESULTS = fileURLToPath(new URL('../results/last.json', import.meta.url));

const USAGE = `usage: pnpm bench [--only <substring>]... [--runs N] [--quick] [--json FILE] [--timeout SECONDS] [--list]
  --only      run only workloads whose name contains the substring (repeatable)
  --runs      runs per figure, each in a fresh process; the median is shown (default 3)
  --quick     small sizes, for a smoke run
  --json      also write the rows to FILE ([{workload, system, value, unit, samples, error?}])
  --timeout   hard limit per run, in seconds (default 60, or 30 with --quick)
  --list      print each workload's unit, sizes, method and implemented systems, and exit
Workloads: ${WORKLOADS.map((spec) => spec.name).join(', ')}`;

interface Options {
  readonly only: readonly string[];
  readonly runs: number;
  readonly quick: boolean;
  readonly json: string | undefined;
  readonly timeoutMs: number;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string', multiple: true },
      runs: { type: 'string' },
      quick: { type: 'boolean' },
      json: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      list: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.list) {
    process.stdout.write(`${describeWorkloads()}\n`);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const runs = Number(values.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new TypeError(`--runs must be a positive integer, got ${values.runs}`);
  const timeoutSeconds = Number(values.timeout ?? (quick ? 30 : 60));
  if (!(timeoutSeconds > 0)) throw new TypeError(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  return { only: values.only ?? [], runs, quick, json: values.json, timeoutMs: timeoutSeconds * 1000 };
}

function describeWorkloads(): string {
  return WORKLOADS.map((spec) => {
    const systems = [...variantsOf(spec.name).map(systemOf), ...(spec.noBeamEquivalent === undefined ? ['beam'] : [])].join(', ');
    const size = `size ${spec.size.full.toLocaleString('en-US')} (quick ${spec.size.quick.toLocaleString('en-US')})`;
    const note = spec.noBeamEquivalent === undefined ? '' : `\n  no BEAM equivalent: ${spec.noBeamEquivalent}`;
    return `${spec.name} [${spec.unit}${spec.lowerIsBetter ? ', lower is better' : ''}] ${size}; systems: ${systems}\n  ${spec.method}${note}`;
  }).join('\n');
}

function troupeCommand(spec: WorkloadSpec, variant: Variant, quick: boolean): ChildCommand {
  const args = [COMPILED_CONDITION, '--import', 'tsx', '--expose-gc', CHILD, spec.name, variant, ...(quick ? ['--quick'] : [])];
  return { file: process.execPath, args, cwd: REPO_ROOT };
}

interface Beam {
  readonly contender: (spec: WorkloadSpec, size: number) => Contender;
}

// `undefined` when erl is not installed (the column shows '—'); a Cell when it cannot compile.
function prepareBeam(log: (line: string) => void): Beam | Cell | undefined {
  const erl = findExecutable('erl');
  const erlc = findExecutable('erlc');
  if (erl === undefined || erlc === undefined) {
    log('erl/erlc not on PATH: the BEAM column shows —');
    return undefined;
  }
  const compiled = compileErlang(erlc);
  if (!compiled.ok) return { system: 'beam', unit: '', samples: [], value: null, failure: compiled.message };
  return {
    contender: (spec, size) => ({ system: 'beam', command: beamCommand(spec, size, compiled.ebin, erl, REPO_ROOT) }),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const specs = WORKLOADS.filter(
    (spec) => options.only.length === 0 || options.only.some((part) => spec.name.includes(part)),
  );
  if (specs.length === 0) throw new TypeError(`--only ${options.only.join(', ')} matches no workload\n${USAGE}`);

  compilePackages(log);
  const beam = prepareBeam(log);
  const rows: Row[] = [];
  for (const spec of specs) {
    const size = options.quick ? spec.size.quick : spec.size.full;
    const contenders: Contender[] = variantsOf(spec.name).map((variant) => ({
      system: systemOf(variant),
      command: troupeCommand(spec, variant, options.quick),
    }));
    const beamApplies = spec.noBeamEquivalent === undefined;
    if (beamApplies && beam !== undefined && 'contender' in beam) contenders.push(beam.contender(spec, size));
    const cells = await measureWorkload(spec, contenders, { ...options, log });
    if (beamApplies && beam !== undefined && !('contender' in beam)) cells.push({ ...beam, unit: spec.unit });
    rows.push({ spec, cells: new Map(cells.map((cell) => [cell.system, cell])) });
  }

  process.stdout.write(`\n${renderTable(rows, options.runs, options.quick)}\n`);
  const json = `${JSON.stringify(toJsonRows(rows), null, 2)}\n`;
  for (const file of [LAST_RESULTS, ...(options.json === undefined ? [] : [resolve(options.json)])]) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, json);
  }
}

interface JsonRow {
  readonly workload: string;
  readonly system: string;
  readonly value: number | null;
  readonly unit: string;
  readonly samples: readonly number[];
  readonly error?: string;
}

function toJsonRows(rows: readonly Row[]): JsonRow[] {
  return rows.flatMap((row) =>
    [...row.cells.values()].map((cell) => ({
      workload: row.spec.name,
      system: cell.system,
      value: cell.value,
      unit: row.spec.unit,
      samples: cell.samples,
      ...(cell.failure === undefined ? {} : { error: cell.failure }),
    })),
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
