/**
 * Where each face's label goes over a photo, in the photo's own pixels: under its box (a card's badge holds the
 * top left corner), inside the box's bottom when the photo ends there, aligned to the box's right edge when it
 * would run off the right side. In a group photo shown small (a card), the labels of faces side by side would
 * print over each other and over the faces: past the largest face's, a label that would overlap one already
 * placed or another face's outline is left out, and its face keeps its outline in its verdict's colour (the
 * image's description lists every face).
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TagPlace {
  x: number;
  /** the text's baseline */
  y: number;
  anchor: 'start' | 'end';
  /** false: it would print over another face's label */
  shown: boolean;
}

/** About how wide a bold label is, in font sizes per character (DejaVu Sans / system sans at weight 650). */
const EM_PER_CHAR = 0.62;

/** `boxes` largest first (the engine's order); `texts` the labels; `tagSize` the font size in photo pixels. */
export function placeFaceTags(boxes: readonly Box[], texts: readonly string[], size: { width: number; height: number }, tagSize: number): TagPlace[] {
  const placed: Box[] = [];
  return boxes.map((b, i) => {
    const below = b.y + b.height + tagSize * 1.05;
    const y = below <= size.height - tagSize * 0.2 ? below : b.y + b.height - tagSize * 0.35;
    const width = (texts[i] ?? '').length * EM_PER_CHAR * tagSize;
    const fitsRight = b.x + width <= size.width;
    const left = fitsRight ? b.x : b.x + b.width - width;
    const rect = { x: left, y: y - tagSize, width, height: tagSize * 1.25 };
    const shown = i === 0 || (placed.every((p) => !overlaps(p, rect)) && boxes.every((o, j) => j === i || !overlaps(o, rect)));
    if (shown) placed.push(rect);
    return { x: fitsRight ? b.x : b.x + b.width, y, anchor: fitsRight ? 'start' : 'end', shown };
  });
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
