// Renders the measured rows as one aligned Markdown table with footnotes.
import type { WorkloadSpec } from './catalog.js';
import { formatValue } from './format.js';
import type { Cell } from './measure.js';

export interface Row {
  readonly spec: WorkloadSpec;
  /** By system; a system with no entry has no implementation (or no `erl`): '—'. */
  readonly cells: ReadonlyMap<string, Cell>;
}

const TROUPE_SYSTEMS = ['troupe-generator', 'troupe-async'] as const;
const FIXED_COLUMNS: readonly { system: string; title: string }[] = [
  { system: 'troupe-generator', title: 'Troupe (generator)' },
  { system: 'troupe-async', title: 'Troupe (async)' },
  { system: 'beam', title: 'BEAM +S 1:1' },
];
const NONE = '—';

export function renderTable(rows: readonly Row[], runs: number, quick: boolean): string {
  const fixed = new Set(FIXED_COLUMNS.map((column) => column.system));
  // JavaScript peers (e.g. raw-msgpackr-tcp) get a column after the ratio, only when measured.
  const extras = [...new Set(rows.flatMap((row) => [...row.cells.keys()]))].filter((system) => !fixed.has(system));
  const header = ['workload', ...FIXED_COLUMNS.map((column) => column.title), 'ratio', ...extras];
  const body = rows.map((row) => [
    row.spec.name,
    ...FIXED_COLUMNS.map((column) => cellText(row.cells.get(column.system))),
    ratioText(row),
    ...extras.map((system) => cellText(row.cells.get(system))),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((line) => line[column]!.length)));
  const format = (line: readonly string[]): string =>
    `| ${line.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [format(header), rule, ...body.map(format), '', ...footnotes(rows, runs, quick)].join('\n');
}

function cellText(cell: Cell | undefined): string {
  if (cell === undefined) return NONE;
  if (cell.failure !== undefined) return cell.failure === 'timeout' ? 'timeout' : 'error';
  return cell.value === null ? NONE : formatValue(cell.value, cell.unit);
}

/** Best Troupe figure over BEAM's, inverted for lower-is-better units, so > 1 always means Troupe is better. */
export function ratio(row: Row): number | undefined {
  const troupe = TROUPE_SYSTEMS.map((system) => row.cells.get(system)?.value).filter(
    (value): value is number => typeof value === 'number',
  );
  const beam = row.cells.get('beam')?.value;
  if (troupe.length === 0 || typeof beam !== 'number' || beam <= 0) return undefined;
  const best = row.spec.lowerIsBetter ? Math.min(...troupe) : Math.max(...troupe);
  if (best <= 0) return undefined;
  return row.spec.lowerIsBetter ? beam / best : best / beam;
}

function ratioText(row: Row): string {
  const value = ratio(row);
  return value === undefined ? NONE : `${value.toFixed(value >= 10 ? 1 : 2)}×`;
}

function footnotes(rows: readonly Row[], runs: number, quick: boolean): string[] {
  const notes = [
    ...(quick ? ['--quick: reduced sizes for a smoke run; start-up and JIT warm-up dominate, do not compare these figures.'] : []),
    `Each figure is the median of ${runs} run(s), each in a fresh process (node --expose-gc, or erl +S 1:1).`,
    'ratio = best Troupe ÷ BEAM for rates; for seconds and bytes (lower is better) it is inverted to BEAM ÷ best Troupe,',
    'so ratio > 1 always means Troupe is better. MB = 2^20 bytes. — = not implemented yet, or erl not on PATH.',
  ];
  const troupeOnly = rows
    .filter((row) => row.spec.noBeamEquivalent !== undefined)
    .map((row) => `${row.spec.name}: no BEAM equivalent (${row.spec.noBeamEquivalent}).`);
  notes.push(...troupeOnly);
  const failures = rows.flatMap((row) =>
    [...row.cells.values()]
      .filter((cell) => cell.failure !== undefined && cell.failure !== 'timeout')
      .map((cell) => `  ${row.spec.name} / ${cell.system}: ${firstLine(cell.failure ?? '')}`),
  );
  return failures.length === 0 ? notes : [...notes, 'Errors:', ...failures];
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
