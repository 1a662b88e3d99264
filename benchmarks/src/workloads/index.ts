// Registry of the Troupe-side (and JavaScript peer) workload implementations.
//
// To add one: write benchmarks/src/workloads/<name>.ts exporting a
// `defineWorkload(...)`, and list it here. Several entries may share a
// workload name as long as their variants differ (e.g. Troupe dist variants
// beside a raw-msgpackr-tcp peer). A catalog workload with no entry shows '—'.
import { distLatencyUnderLoad, distOneMegabyte, distOneway, distRoundtrip } from './dist.js';
import { genServerCall, genServerCallOutside, genServerCast } from './gen-server.js';
import { genStatemEvents } from './gen-statem-events.js';
import { memoryIdleProcess } from './memory-idle-process.js';
import { pingPong } from './ping-pong.js';
import { rawOneMegabyte, rawOneway, rawRoundtrip } from './raw-msgpackr-tcp.js';
import { replyReceiveDeep, replyReceiveEmpty } from './reply-receive.js';
import { ring1000, ring10000 } from './ring.js';
import { skynet } from './skynet.js';
import { spawnExit } from './spawn-exit.js';
import { supervisorRestart } from './supervisor-restart.js';
import type { TroupeWorkload, Variant } from './workload.js';

export const TROUPE_WORKLOADS: readonly TroupeWorkload[] = [
  ring1000,
  ring10000,
  pingPong,
  spawnExit,
  skynet,
  replyReceiveDeep,
  replyReceiveEmpty,
  memoryIdleProcess,
  genServerCall,
  genServerCast,
  genServerCallOutside,
  supervisorRestart,
  genStatemEvents,
  distRoundtrip,
  distOneway,
  distOneMegabyte,
  distLatencyUnderLoad,
  rawRoundtrip,
  rawOneway,
  rawOneMegabyte,
];

export function findImplementation(name: string, variant: Variant): TroupeWorkload | undefined {
  return TROUPE_WORKLOADS.find((workload) => workload.name === name && workload.variants.includes(variant));
}

/** Every variant implemented for a workload, in registry order. */
export function variantsOf(name: string): Variant[] {
  return TROUPE_WORKLOADS.filter((workload) => workload.name === name).flatMap((workload) => workload.variants);
}
