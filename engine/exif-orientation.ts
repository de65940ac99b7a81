/**
 * EXIF orientation (1 to 8) applied to decoded pixels, as a viewer shows them: what sharp's rotate() does, for
 * images decoded without sharp (small-jpeg.ts).
 */
import type { RawPixels } from './image-resize.js';

/** The pixels as displayed. Orientations 5 to 8 swap width and height. Pure: returns new pixels (or the same for 1). */
export function applyOrientation(src: RawPixels, orientation: number): RawPixels {
  if (!Number.isInteger(orientation) || orientation < 2 || orientation > 8) return src;
  const { width: w, height: h, channels: ch, data } = src;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(ow * oh * ch);
  // for each displayed pixel (x, y), the stored one it shows
  const from: (x: number, y: number) => number = {
    2: (x: number, y: number) => y * w + (w - 1 - x), // mirrored left to right
    3: (x: number, y: number) => (h - 1 - y) * w + (w - 1 - x), // turned 180 degrees
    4: (x: number, y: number) => (h - 1 - y) * w + x, // mirrored top to bottom
    5: (x: number, y: number) => x * w + y, // transposed
    6: (x: number, y: number) => (h - 1 - x) * w + y, // stored turned 90 degrees anticlockwise: shown turned back
    7: (x: number, y: number) => (h - 1 - x) * w + (w - 1 - y), // transversed
    8: (x: number, y: number) => x * w + (w - 1 - y), // stored turned 90 degrees clockwise
  }[orientation]!;
  let o = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const i = from(x, y) * ch;
      for (let c = 0; c < ch; c++) out[o++] = data[i + c]!;
    }
  }
  return { width: ow, height: oh, channels: ch, data: out };
}
