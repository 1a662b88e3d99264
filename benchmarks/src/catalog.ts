// The workloads `pnpm bench` knows, in table order: name, unit, direction and size, shared by every system.
//
// A workload is defined once here and implemented per system: the BEAM side in
// benchmarks/erlang/bench_*.erl (dispatched by bench_main.erl), the Troupe
// side in benchmarks/src/workloads/*.ts. Both receive the same `size`.

export interface WorkloadSpec {
  readonly name: string;
  readonly unit: string;
  /** True for times and bytes: a smaller figure is better. */
  readonly lowerIsBetter?: boolean;
  /** The one size parameter (hops, round trips, processes, calls…) for a full run and for `--quick`. */
  readonly size: { readonly full: number; readonly quick: number };
  /** What is measured and how, identically on every system. */
  readonly method: string;
  /** The BEAM node needs distribution (-name …@127.0.0.1) and starts a peer node. */
  readonly distributed?: boolean;
  /** Why the BEAM has no equivalent, for a Troupe-only row: its BEAM column stays '—'. */
  readonly noBeamEquivalent?: string;
}

export const WORKLOADS: readonly WorkloadSpec[] = [
  {
    name: 'ring-1000',
    unit: 'hops/s',
    size: { full: 10_000_000, quick: 500_000 },
    method: '1,000 processes in a ring pass one token `size` hops; ring set-up is not timed',
  },
  {
    name: 'ring-10000',
    unit: 'hops/s',
    size: { full: 10_000_000, quick: 500_000 },
    method: '10,000 processes in a ring pass one token `size` hops; ring set-up is not timed',
  },
  {
    name: 'ping-pong',
    unit: 'round trips/s',
    size: { full: 1_000_000, quick: 100_000 },
    method: 'a driver and an echo process exchange `size` ping/pong pairs',
  },
  {
    name: 'spawn-exit',
    unit: 'spawns/s',
    size: { full: 1_000_000, quick: 100_000 },
    method:
      'spawn `size` processes in batches of 10,000; each child sends one message to the driver and returns; ' +
      'the driver receives the whole batch before spawning the next',
  },
  {
    name: 'skynet',
    unit: 's',
    lowerIsBetter: true,
    size: { full: 1_000_000, quick: 100_000 },
    method: 'every inner process spawns 10 children; `size` leaves send their number; parents send sums up',
  },
  {
    name: 'reply-receive-deep',
    unit: 'ops/s',
    // The issue names 100k calls; that is ~0.1 s, mostly JIT warm-up on Node. 1M calls
    // measures the same rate steadily, on both sides.
    size: { full: 1_000_000, quick: 10_000 },
    method:
      '`size` calls make_ref / send {ref, self} / receive {ref, reply} while 10,000 unrelated messages ' +
      'sit in the caller mailbox (the ref trick must skip them)',
  },
  {
    name: 'reply-receive-empty',
    unit: 'ops/s',
    size: { full: 1_000_000, quick: 10_000 },
    method: 'as reply-receive-deep with an empty caller mailbox',
  },
  {
    name: 'memory-idle-process',
    unit: 'bytes',
    lowerIsBetter: true,
    size: { full: 100_000, quick: 10_000 },
    method:
      'memory growth per process with `size` processes blocked in receive ' +
      '(BEAM: erlang:memory(processes); Node: heap after gc())',
  },
  {
    name: 'gen-server-call',
    unit: 'calls/s',
    size: { full: 1_000_000, quick: 100_000 },
    method: 'one client makes `size` calls to a gen_server',
  },
  {
    name: 'gen-server-cast',
    unit: 'casts/s',
    size: { full: 1_000_000, quick: 100_000 },
    method: '`size` casts to a gen_server, then one call proves they were all handled',
  },
  {
    name: 'gen-server-call-outside',
    unit: 'calls/s',
    size: { full: 1_000_000, quick: 100_000 },
    method: 'plain async Node code (not a process) awaits `size` GenServer.call(runtime, …) in a row',
    noBeamEquivalent: 'every BEAM caller is a process; this measures calls from code outside any process',
  },
  {
    name: 'supervisor-restart',
    unit: 'restarts/s',
    size: { full: 100_000, quick: 5_000 },
    method:
      'a one_for_one supervisor (intensity size+1, period 1 s) restarts a gen_server worker `size` times; ' +
      'the driver kills the worker and waits for the new one to announce itself from init',
  },
  {
    name: 'gen-statem-events',
    unit: 'events/s',
    size: { full: 1_000_000, quick: 100_000 },
    method: 'a two-state machine toggled by `size` cast events, then one call to sync',
  },
  {
    name: 'dist-roundtrip',
    unit: 'round trips/s',
    distributed: true,
    size: { full: 50_000, quick: 5_000 },
    method: 'two nodes on 127.0.0.1; a process sends a small message to an echo process on the other node, `size` times',
  },
  {
    name: 'dist-oneway',
    unit: 'msgs/s',
    distributed: true,
    size: { full: 1_000_000, quick: 50_000 },
    method: '`size` small messages to a process on the other node, then one sync round trip',
  },
  {
    name: 'dist-1mb',
    unit: 'MB/s',
    distributed: true,
    size: { full: 3_000, quick: 200 },
    method: '`size` binaries of 1 MB (2^20 bytes) to a process on the other node, then one sync; MB = 2^20 bytes',
  },
  {
    name: 'dist-latency-under-load',
    unit: 'ms',
    lowerIsBetter: true,
    distributed: true,
    size: { full: 100, quick: 10 },
    method:
      'p99 latency of small round trips to an echo process on the other node, timed one by one while one ' +
      'binary of `size` MB is in flight to a sink process over the same connection (from its send until the sink has it)',
    noBeamEquivalent: 'not measured on the BEAM yet: erlang/bench_dist.erl has no latency-under-load case',
  },
];

export function findWorkloadSpec(name: string): WorkloadSpec | undefined {
  return WORKLOADS.find((spec) => spec.name === name);
}
