/**
 * What the app calls each trained model: when it was made, to the minute ("Nov 29, 2:22 PM"); to the second
 * where two share a minute; and numbered in the order they were made where two share a second (a script's
 * quick retrains can), so that no two models on screen read alike.
 */
export function modelNames(models: readonly { id: string; createdAt: string }[], format: (iso: string, seconds: boolean) => string): Map<string, string> {
  const byName = new Map<string, Array<{ id: string; createdAt: string }>>();
  for (const m of models) {
    const name = format(m.createdAt, false);
    byName.set(name, [...(byName.get(name) ?? []), m]);
  }
  const names = new Map<string, string>();
  for (const [name, group] of byName) {
    if (group.length === 1) {
      names.set(group[0]!.id, name);
      continue;
    }
    const bySecond = new Map<string, Array<{ id: string; createdAt: string }>>();
    for (const m of group) {
      const precise = format(m.createdAt, true);
      bySecond.set(precise, [...(bySecond.get(precise) ?? []), m]);
    }
    for (const [precise, same] of bySecond) {
      if (same.length === 1) names.set(same[0]!.id, precise);
      // ids start with the time and end with random letters: the made-at time orders them, the id breaks a tie
      else [...same].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)).forEach((m, i) => names.set(m.id, `${precise} (${i + 1})`));
    }
  }
  return names;
}
