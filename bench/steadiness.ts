/**
 * Whether a ratio's reference rounds saw the same machine as the rest of the run (its start, middle and end). The single-image and photo
 * ratios divide by reference runs that alternate with them, so that both see the same machine; but these
 * machines are shared, and another tenant's load can land on the reference (one thread) harder than on the
 * engine (two): on 2026-12-07 the photo rounds' reference rose from 7.5 to 12 ms for eight rounds out of ten
 * while the photo times stayed where a quiet rerun put them (24-25 ms), and the bench said 2.08x "ok" for a
 * path that a quiet run measured at 3.4x. A verdict drawn from such rounds is marked unsure, not taken.
 */

/** how far a section's reference may stray from the whole run's (as a factor either way) and its verdict still stand */
export const STEADY_FACTOR = 1.2;

export interface Steadiness {
  /** median reference batch-1 time of the section's own rounds, ms */
  sectionMs: number;
  /** median of the run's reference batch-1 figures measured apart from the sections (start, middle, end), ms */
  runMs: number;
  /** sectionMs / runMs */
  factor: number;
  steady: boolean;
}

export function steadiness(section: readonly number[], run: readonly number[]): Steadiness {
  if (section.length === 0 || run.length === 0) throw new Error('steadiness: no reference figures');
  const sectionMs = median(section);
  const runMs = median(run);
  const factor = sectionMs / runMs;
  return { sectionMs, runMs, factor, steady: factor <= STEADY_FACTOR && factor >= 1 / STEADY_FACTOR };
}

export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/**
 * Each timed section's steadiness, held against the reference measured apart from both sections (start, middle,
 * end: `runs`, batch-1 ms): with the sections' own rounds in the yardstick, two sections that strayed together
 * would move it with them and pass.
 */
export function sectionSteadiness(runs: readonly number[], sections: { single: readonly number[]; photo: readonly number[] }): { single: Steadiness; photo: Steadiness } {
  return { single: steadiness(sections.single, runs), photo: steadiness(sections.photo, runs) };
}
