/**
 * Faces go into the expression bases in greyscale, whatever their colours (GREY_INPUT in bases/base.ts). Those
 * bases learned from grey faces (FER2013 is greyscale), and colour says nothing about an expression but can
 * stand in for one: in photos-happy-sad half the sad photos are in colour and almost no happy ones. Measured (`happysad train` on
 * fer2013-happy-sad, then `happysad eval` on photos-happy-sad as stored, 36 of its 120 in colour): 0.875 (sad
 * recall 0.85) judged in colour, 0.900 (sad recall 0.90) in greyscale, the same as on greyscaled copies;
 * FER2013 validation 0.905 either way. A model trained on a user's own colour photos cannot learn colour as
 * a cue either.
 */
import type { RgbImage } from './image-decode.js';

/**
 * Rec. 601 luma in thousandths (JPEG's own Y; libvips' b-w goes through linear light and gives other values):
 * grey = the integer part of (r R + g G + b B + scale / 2) / scale. The export README writes it out from here.
 */
export const LUMA = { r: 299, g: 587, b: 114, scale: 1000 } as const;
// module constants for the loop below (V8 folds them; fields read per pixel cost a quarter more)
const { r: R, g: G, b: B, scale: SCALE } = LUMA;
const HALF = SCALE / 2;

/** The image in grey (LUMA), still three channels. Pure. */
export function greyscale(img: RgbImage): RgbImage {
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let k = 0; k < src.length; k += 3) {
    const y = (R * src[k]! + G * src[k + 1]! + B * src[k + 2]! + HALF) / SCALE;
    out[k] = out[k + 1] = out[k + 2] = y;
  }
  return { size: img.size, data: out };
}
