/**
 * A file name cut for a narrow place: the head may lose its end to an ellipsis (CSS), the tail never, because
 * the last characters (a number, the extension) are what tell "Training_10204742.jpg" from its neighbours.
 */
export function splitFileName(name: string, tail = 8): { head: string; tail: string } {
  return name.length > tail + 6 ? { head: name.slice(0, -tail), tail: name.slice(-tail) } : { head: name, tail: '' };
}
