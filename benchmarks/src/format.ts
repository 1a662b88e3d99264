// Human-readable figures: 2.50M hops/s, 4.02 s, 2,648 bytes, 3,282 MB/s.

export function formatValue(value: number, unit: string): string {
  if (unit === 's') return `${value.toFixed(value < 10 ? 2 : 1)} s`;
  if (unit === 'bytes' || unit === 'MB/s') return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
  return `${formatCount(value)} ${unit}`;
}

function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toPrecision(3)}k`;
  return value.toPrecision(3);
}
