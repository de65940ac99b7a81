// made once: toLocaleString builds a formatter at each call (0.1 ms, asked at every prediction)
const EN_US = new Intl.NumberFormat('en-US');

/** Plural-correct counts for the engine's messages: "1 image", "12 images", "2,400 images". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${EN_US.format(n)} ${n === 1 ? noun : plural}`;
}

/** "12.5 %", or "n/a" for a figure that does not exist. */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)} %`;
}
