/** The mean of some answers to one decimal, as totals show it; null for none. */
export function meanToTenth(values: number[]): number | null {
  return values.length ? roundToTenth(values.reduce((sum, value) => sum + value, 0) / values.length) : null;
}

export function roundToTenth(n: number): number {
  return Math.round(n * 10) / 10;
}
