// Supervisor reports (OTP's SUPERVISOR REPORT): what went wrong with which child, to the logger.
import { formatReason, type ExitReason, type Pid, type ProcessContext } from '@troupe/runtime';
import type { NormalizedChildSpec } from './child-spec.js';

/** Erlang's `errorContext` of a supervisor report. */
export type ReportContext = 'start_error' | 'child_terminated' | 'shutdown_error' | 'shutdown';

/** The child a report is about (Erlang's `offender`). */
export interface Offender {
  readonly id: string | undefined;
  readonly pid: Pid | undefined;
  readonly restart: NormalizedChildSpec['restart'];
  readonly shutdown: NormalizedChildSpec['shutdown'];
  readonly type: NormalizedChildSpec['type'];
}

/** Logs a supervisor report at error level; `meta` carries the structured fields. */
export function reportError(self: ProcessContext, supervisor: string, context: ReportContext, reason: ExitReason, offender: Offender): void {
  const child = `${offender.id === undefined ? 'child' : `child '${offender.id}'`}${offender.pid === undefined ? '' : ` (${offender.pid})`}`;
  self.logger.error(`supervisor report: supervisor ${supervisor}, ${context}: ${child}: ${formatReason(reason)}`, {
    supervisor,
    errorContext: context,
    reason,
    offender,
  });
}
