/**
 * Faces go into the expression bases in greyscale, whatever their colours (GREY_INPUT in bases/base.ts). Those
 * bases learned from grey faces (FER2013 is greyscale) and colour says nothing about an expression, but it can stand in for one: in
 * photos-happy-sad half the sad photos are in colour and almost no happy ones. Measured (`happysad train` on
 * fer2013-happy-sad, then `happysad eval` on photos-happy-sad as stored, 36 of its 120 in colour): 0.875 (sad
 * recall 0.85) judged in colour, 0.900 (sad recall 0.90) in greyscale, the same as on greyscaled copies;
 * FER2013 validation 0.905 either way. A model trained on a user's own colour photos cannot learn colour as
 * a cue either.
 */
import type { RgbImage } from './image-decode.js';

/** The image in grey (Rec. 601 luma, JPEG's own Y; libvips' b-w goes through linear light and gives other values), still three channels. Pure. */
export function greyscale(img: RgbImage): RgbImage {
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let k = 0; k < src.length; k += 3) {
    const y = (299 * src[k]! + 587 * src[k + 1]! + 114 * src[k + 2]! + 500) / 1000;
    out[k] = out[k + 1] = out[k + 2] = y;
  }
  return { size: img.size, data: out };
}
