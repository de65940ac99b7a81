/** The two classes. Index 1 is "happy": the head's sigmoid output is P(happy). */
export const LABELS = ['sad', 'happy'] as const;
export type Label = (typeof LABELS)[number];

export function labelToTarget(label: Label): 0 | 1 {
  return label === 'happy' ? 1 : 0;
}

export function probabilityToLabel(pHappy: number): Label {
  return pHappy >= 0.5 ? 'happy' : 'sad';
}
