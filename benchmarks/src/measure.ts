// Runs every system of one workload several times, each run in a fresh process, and keeps the median.
import type { WorkloadSpec } from './catalog.js';
import { formatValue } from './format.js';
import { runChild, type ChildCommand, type Sample } from './run-child.js';

/** One column of one row: a system that can run this workload, or says why it cannot. */
export interface Contender {
  readonly system: string;
  readonly command: ChildCommand;
}

export interface Cell {
  readonly system: string;
  readonly unit: string;
  /** Figures of the successful runs, in run order. */
  readonly samples: readonly number[];
  /** Median of `samples`, or null when a run failed. */
  readonly value: number | null;
  /** 'timeout', or an error message; a failed run stops that system's remaining runs. */
  readonly failure?: string;
}

export interface MeasureOptions {
  readonly runs: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

// Runs are interleaved (run 1 of every system, then run 2, …) so that a slow
// drift of the machine, such as another job starting, is shared by all columns.
export async function measureWorkload(
  spec: WorkloadSpec,
  contenders: readonly Contender[],
  options: MeasureOptions,
): Promise<Cell[]> {
  const samples = new Map<string, number[]>(contenders.map((contender) => [contender.system, []]));
  const failures = new Map<string, string>();
  for (let run = 1; run <= options.runs; run++) {
    for (const contender of contenders) {
      if (failures.has(contender.system)) continue;
      const sample = await runChild(contender.command, options.timeoutMs);
      const label = `${spec.name} ${contender.system} run ${run}/${options.runs}`;
      const problem = problemWith(sample, spec);
      if (problem !== undefined) {
        failures.set(contender.system, problem);
        options.log(`${label}: ${problem}`);
      } else if (sample.kind === 'value') {
        samples.get(contender.system)?.push(sample.value);
        options.log(`${label}: ${formatValue(sample.value, spec.unit)}`);
      }
    }
  }
  return contenders.map(({ system }) => {
    const values = samples.get(system) ?? [];
    const failure = failures.get(system);
    return failure === undefined
      ? { system, unit: spec.unit, samples: values, value: median(values) }
      : { system, unit: spec.unit, samples: values, value: null, failure };
  });
}

function problemWith(sample: Sample, spec: WorkloadSpec): string | undefined {
  if (sample.kind === 'timeout') return 'timeout';
  if (sample.kind === 'error') return sample.message;
  if (sample.unit !== spec.unit) return `reported unit '${sample.unit}', expected '${spec.unit}'`;
  return undefined;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
