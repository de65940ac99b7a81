/**
 * A duration on a clock face: "m:ss", "h:mm:ss" past an hour. `up` rounds up, for time left: an upper bound
 * that said "0:00" while work remains would be wrong (a run of 40 quick epochs had "Left (at most) 0:00").
 */
export function clock(seconds: number, { up = false }: { up?: boolean } = {}): string {
  const total = Math.max(0, up ? Math.ceil(seconds - 1e-9) : Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
