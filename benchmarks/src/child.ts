// One measured run in a fresh process: `node --import tsx --expose-gc benchmarks/src/child.ts <workload> <variant> [--quick]`.
// Prints exactly one JSON line on stdout: {"value":V,"unit":U} or {"error":"…"}.
import { findWorkloadSpec } from './catalog.js';
import { findImplementation } from './workloads/index.js';

// The warm-up: quick-size rounds until this much time has passed, within this many rounds.
const WARM_UP_MS = 1000;
const WARM_UP_MAX_ROUNDS = 20;

async function main(argv: readonly string[]): Promise<void> {
  const [name, variant] = argv;
  const quick = argv.includes('--quick');
  if (name === undefined || variant === undefined) {
    throw new TypeError('usage: child.ts <workload> <variant> [--quick]');
  }
  const spec = findWorkloadSpec(name);
  const workload = findImplementation(name, variant);
  if (spec === undefined || workload === undefined) {
    throw new TypeError(`no implementation of workload '${name}' for variant '${variant}'`);
  }
  if (!quick && spec.distributed !== true) {
    // Untimed rounds at the quick size first, so the measured run sees code V8 has settled
    // on (steady state, as JIT benchmarks measure): one round left gen_server cast at
    // two-thirds of its steady rate. Distributed workloads skip this: their peer is a fresh
    // process whatever this one does (they make untimed round trips instead).
    const warmUpStart = performance.now();
    for (let round = 0; round < WARM_UP_MAX_ROUNDS && (round === 0 || performance.now() - warmUpStart < WARM_UP_MS); round++) {
      await workload.run(variant, { quick: true, size: spec.size.quick });
    }
  }
  // No forced gc() before the timed run: a full GC just before the runtime is built left
  // V8 running gen_server cast 30 % slower for the whole run (12M vs 17M casts/s, seen
  // whatever the warm-up), a state an application that never forces a GC is not in.
  const value = await workload.run(variant, { quick, size: quick ? spec.size.quick : spec.size.full });
  if (!Number.isFinite(value)) throw new RangeError(`workload '${name}' returned ${value}`);
  process.stdout.write(`${JSON.stringify({ value, unit: spec.unit })}\n`);
}

main(process.argv.slice(2)).then(
  // Exit explicitly: a workload that leaves a timer or socket behind must not keep the run alive.
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    process.exit(1);
  },
);
