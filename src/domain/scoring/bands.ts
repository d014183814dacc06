/**
 * A collection score is a per-mille estimate of the chance that the debtor pays or agrees within the
 * model's horizon (0–1000): the scorecard's points are laid out on that scale, and a trained model's
 * probability p becomes round(1000 × p). Bands cut the scale for segments, schedules and reports.
 */
export interface ScoreBand {
  name: string;
  /** Lowest score in the band (inclusive). */
  min: number;
  label: string;
}

/** From the best band down; the last one starts at 0. */
export const DEFAULT_SCORE_BANDS: readonly ScoreBand[] = [
  { name: 'A', min: 800, label: 'muito provável' },
  { name: 'B', min: 600, label: 'provável' },
  { name: 'C', min: 400, label: 'incerto' },
  { name: 'D', min: 200, label: 'improvável' },
  { name: 'E', min: 0, label: 'muito improvável' },
];

export function bandOf(score: number, bands: readonly ScoreBand[] = DEFAULT_SCORE_BANDS): string {
  for (const band of bands) if (score >= band.min) return band.name;
  return bands.at(-1)!.name;
}

/** A probability in [0, 1] as a score (per mille, rounded half up, clamped). */
export function scoreOfProbability(p: number): number {
  if (!Number.isFinite(p)) return 0;
  return Math.min(1000, Math.max(0, Math.round(p * 1000)));
}
