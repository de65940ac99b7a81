/**
 * A file name cut for a narrow place: the head may lose its end to an ellipsis (CSS), the tail never, because
 * the last characters (a number, the extension) are what tell "Training_10204742.jpg" from its neighbours.
 * Counted in what a reader sees as characters (grapheme clusters): a cut by UTF-16 code units could split an
 * emoji or an accented letter written with a combining mark in two.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function splitFileName(name: string, tail = 8): { head: string; tail: string } {
  const chars = Array.from(graphemes.segment(name), (s) => s.segment);
  return chars.length > tail + 6 ? { head: chars.slice(0, -tail).join(''), tail: chars.slice(-tail).join('') } : { head: name, tail: '' };
}
