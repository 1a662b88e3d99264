// The contract every Troupe-side workload implements, and how variants map to result-table systems.
import { findWorkloadSpec } from '../catalog.js';

/** 'generator' and 'async' are Troupe process bodies; anything else is a JavaScript peer (e.g. 'raw-msgpackr-tcp'). */
export type Variant = 'generator' | 'async' | (string & {});

/**
 * Untimed small round trips before a distributed workload's timed part, the same for
 * Troupe and the raw baseline: both processes' code reaches V8's optimising tier first.
 */
export const DIST_WARM_UP_ROUND_TRIPS = 5_000;

export interface RunOptions {
  readonly quick: boolean;
  /** The catalog's size for this run (full or quick): the same number the BEAM side receives. */
  readonly size: number;
}

export interface TroupeWorkload {
  readonly name: string;
  readonly unit: string;
  readonly lowerIsBetter?: boolean;
  readonly variants: readonly Variant[];
  /** Runs once in the current process and returns the figure, in `unit`. */
  run(variant: Variant, options: RunOptions): Promise<number>;
}

/** Builds a workload whose name, unit and direction come from the catalog, so they cannot drift. */
export function defineWorkload(
  name: string,
  implementation: Pick<TroupeWorkload, 'variants' | 'run'>,
): TroupeWorkload {
  const spec = findWorkloadSpec(name);
  if (spec === undefined) throw new TypeError(`defineWorkload: '${name}' is not in benchmarks/src/catalog.ts`);
  return { name, unit: spec.unit, lowerIsBetter: spec.lowerIsBetter ?? false, ...implementation };
}

/** The system name a variant's results are filed under in the JSON rows. */
export function systemOf(variant: Variant): string {
  return variant === 'generator' || variant === 'async' ? `troupe-${variant}` : variant;
}
