/** Every figure of a report: data-figure name -> the data-value of each place it is shown. */
export function reportFigures(html: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of html.matchAll(/data-figure="([^"]+)" data-value="([^"]*)"/g)) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  return out;
}

/** The value a figure's name ("perClass.sad.recall") has in an eval result's JSON. */
export function jsonFigure(json: unknown, name: string): unknown {
  return name.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | null)?.[k], json);
}
