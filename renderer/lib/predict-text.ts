/** What a judged image says to a screen reader: its card's name, and the announcement when a batch ends. */
import { formatConfidence, formatNumber, labelName, plural, reasonText, t } from './i18n.svelte.js';
import type { PredictItem } from './predict.svelte.js';

/** "photo.jpg: Happy, 94% sure", the reason it could not be read, or that it waits to be judged (the catalogue's card.aria* sentences). */
export function describeItem(item: PredictItem): string {
  if (item.state === 'done') return t('card.ariaDone', { name: item.name, label: labelName(item.label), confidence: formatConfidence(item.confidence) });
  if (item.state === 'error') return t('card.ariaError', { name: item.name, reason: reasonText(item.reason) });
  return t('card.ariaPending', { name: item.name });
}

/** Said once when a batch ends: the one image's verdict, or the counts of several. */
export function batchDoneText(items: readonly PredictItem[], counts: { judged: number; happy: number; sad: number; failed: number }): string {
  if (items.length === 1) return describeItem(items[0]!);
  const parts = [t('predict.countHappy', { count: formatNumber(counts.happy) }), t('predict.countSad', { count: formatNumber(counts.sad) })];
  if (counts.failed > 0) parts.push(t('predict.countFailed', { count: formatNumber(counts.failed) }));
  return `${plural(counts.judged, 'predict.imagesOne', 'predict.imagesMany')}: ${parts.join(', ')}`;
}
