/**
 * From an image file to the faces a base judges: the image decoded in its displayed orientation (EXIF
 * applied), the faces found in it, and each face cut out as the square the base takes. The boxes are given in
 * the pixels of the image as it is displayed, whatever size it was decoded at.
 */
import { imageSize } from 'image-size';
import sharp from 'sharp';
import { isBmp } from '../bmp.js';
import { inputReason } from '../../common/i18n/reasons.js';
import { InputFileError } from '../errors.js';
import { openImage } from '../open-image.js';
import { decodeImage, refuseTinyImage, type RgbImage } from '../image-decode.js';
import { resampleSquare } from '../image-resize.js';
import type { FaceDetector, RgbFrame } from './face-detector.js';

/** A face's place in the displayed image, in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * What was found in one image: its displayed size and the faces, largest first. `faces` empty: no face was
 * found, and the whole image is judged. The whole image as the one face: it is a crop already (see keepsFrame).
 */
export interface Detection {
  width: number;
  height: number;
  faces: Box[];
}

/**
 * Detector settings, chosen by measurement on photos-happy-sad's crops pasted at 20-40 % width onto larger
 * scenes (test/helpers/pasted-faces.ts, 120 faces in 55 scenes): input 416 / score 0.3 found 85 %, 416 / 0.1
 * 90 %, 320 / 0.1 92.5 % with 4 false boxes, 320 / 0.5 (face-api's default) 77.5 %. The crops that stay
 * missed are cut inside the face, profiles, or blurred small crops blown up.
 */
export const DETECTOR_INPUT = 288;
export const MIN_SCORE = 0.1;
/**
 * Decoded for detection and cropping at most this side: the detector's input, so that the frame goes into the
 * detector as it is (no resize between), and a larger JPEG is shrunk on load (decoded at 1/2, 1/4, 1/8 scale
 * several times faster). Faces are cut from the same frame: on the pasted set (faces at 20-40 % width, the
 * [slow] test in test/engine/faces.test.ts) a frame of 288 found the same 114 of 120 faces as one of 640
 * (boxes' median IoU 0.794 against 0.796), and with the detector padding to whole cells 115, of which 102
 * judged right, as 102 of 114 from the 640 frame; the base's training crops (FER2013's 48 px) are enlarged
 * more than these. Measured with the faces cut in JavaScript (cropFace): the photo path 0.81 of the 640
 * frame's, two running engines side by side on the same photos.
 */
const FRAME_MAX_SIDE = DETECTOR_INPUT;
/**
 * An image no larger than this on both sides is a face crop already (FER2013's are 48x48): it is judged
 * whole without running the detector, which costs little there, but costs per image of a training set.
 */
export const CROP_MAX_SIDE = 64;
/**
 * A face whose box covers this much of the image's longer side: the image is a crop already, judged whole
 * (photos-happy-sad's crops: the box is about the image). Of the shorter side, it took whole scenes whose
 * largest face was pasted at 40 % of a 960x640 scene's width.
 */
export const FILLS_FRAME = 0.6;
/**
 * The square cut around a detector's box, in multiples of the box's larger side: its side, and how far its
 * centre lies below the box's (negative: above). Measured on the pasted set (111 faces matched): the crops
 * the base was trained and measured on (FER2013's, photos-happy-sad's: forehead to chin) are 0.953 of the
 * box's larger side, centred 0.111 of it higher (the detector's boxes run from the brows to below the chin).
 * Accuracy of a FER2013-trained model on the faces found there: 0.895 with these, 0.876 at side 0.85, 0.872
 * at side 1.1, 0.876 centred on the box (same set as the calibration: a tuned figure, not a held-out one).
 */
export const CROP_SCALE = 0.95;
export const CROP_SHIFT_Y = -0.11;

/** Part of every cache key of a face's features: changes whenever what is cut out changes. */
export const CROP_VERSION = `c6-${DETECTOR_INPUT}-${MIN_SCORE}-${CROP_SCALE}-${CROP_SHIFT_Y}-${FILLS_FRAME}-${CROP_MAX_SIDE}-${FRAME_MAX_SIDE}`;

/**
 * Decodes `bytes` in its displayed orientation, at most FRAME_MAX_SIDE on its longer side; `width` and
 * `height` are the displayed image's own. A file that cannot be decoded is refused with decodeImage's reason.
 */
export async function decodeFrame(bytes: Buffer, file: string): Promise<{ frame: RgbFrame; width: number; height: number }> {
  let size: { width: number; height: number } | null;
  // refused before the detector runs on it (and before a detection is kept for it)
  refuseTinyImage(bytes, file);
  try {
    const opened = openImage(bytes);
    size = opened.bmpSize ?? displayedJpegSize(bytes);
    const { data, info } = await opened.input
      .rotate() // EXIF orientation: boxes are in the image as it is displayed
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .resize(FRAME_MAX_SIDE, FRAME_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const frame = { width: info.width, height: info.height, data: toRgb(data, info.channels, info.width * info.height) };
    // a header read in JavaScript that does not fit the frame decoded (another format, an odd file): libvips says
    // asked as the pixels were (openImage: the first page, only errors refused): a damaged later frame of an
    // animated GIF fails libvips' stricter default, and the photo was said to be undecodable
    if (!size || !fitsFrame(size, frame)) size = displayedSize(await openImage(bytes).input.metadata());
    return { frame, width: size.width || info.width, height: size.height || info.height };
  } catch {
    // decodeImage says why, in deterministic words (the format, the step that failed)
    await decodeImage(bytes, file, { size: 1 });
    throw new InputFileError(file, inputReason('reason.cannotDecode'));
  }
}

/** A JPEG's size as displayed (its EXIF orientation applied), read in JavaScript; null for any other format. */
function displayedJpegSize(bytes: Buffer): { width: number; height: number } | null {
  try {
    const header = imageSize(bytes);
    return header.type === 'jpg' ? displayedSize(header) : null;
  } catch {
    return null;
  }
}

function displayedSize(meta: { width?: number; height?: number; orientation?: number }): { width: number; height: number } {
  const swap = (meta.orientation ?? 1) >= 5;
  return { width: (swap ? meta.height : meta.width) ?? 0, height: (swap ? meta.width : meta.height) ?? 0 };
}

/** True when a frame decoded from an image of `size` (fitted inside FRAME_MAX_SIDE, never enlarged) has the frame's size. */
function fitsFrame(size: { width: number; height: number }, frame: { width: number; height: number }): boolean {
  const fit = Math.min(1, FRAME_MAX_SIDE / Math.max(size.width, size.height));
  return Math.abs(size.width * fit - frame.width) <= 1 && Math.abs(size.height * fit - frame.height) <= 1;
}

/**
 * The detection of an image small enough to be a face crop already, told from its header alone (no
 * decoding): a training set of 48x48 crops costs no detector run and no second decode. Null when the image is
 * larger, or its header cannot be read (then it is decoded, which says why, and searched).
 */
export async function wholeIfSmall(bytes: Buffer): Promise<Detection | null> {
  if (isBmp(bytes)) return null;
  let meta: { width: number; height: number; orientation?: number; type?: string };
  try {
    meta = imageSize(bytes); // JavaScript, microseconds: sharp's metadata() is a round trip through the thread pool
  } catch {
    return null;
  }
  if (meta.width === 0 || meta.height === 0 || meta.width > CROP_MAX_SIDE || meta.height > CROP_MAX_SIDE) return null;
  if (meta.type !== 'jpg' && meta.width !== meta.height) {
    // image-size reads a JPEG's EXIF orientation only; a PNG's, WebP's or TIFF's may turn it a quarter, so that
    // libvips (which applies it when decoding) shows it with its sides swapped: asked of libvips
    try {
      meta = { ...meta, orientation: (await openImage(bytes).input.metadata()).orientation ?? 1 };
    } catch {
      return null;
    }
  }
  const { width, height } = displayedSize(meta);
  return { width, height, faces: [{ x: 0, y: 0, width, height }] };
}

/**
 * The faces in an image, largest first, in its displayed pixels. A frame decoded at the detector's input goes
 * in as it is (the detector pads it to whole cells); a smaller one (a small picture) is enlarged into the
 * detector's square by sharp, padded at the bottom and right as face-api does: on the wasm backend padding and
 * resizing a whole frame in TensorFlow.js cost more than the detector's network.
 */
export async function findFaces(detector: FaceDetector, frame: RgbFrame, width: number, height: number, inputSize = DETECTOR_INPUT): Promise<Detection> {
  const whole = { width, height, faces: [{ x: 0, y: 0, width, height }] };
  if (width <= CROP_MAX_SIDE && height <= CROP_MAX_SIDE) return whole;
  const fit = inputSize / Math.max(frame.width, frame.height);
  const w = Math.max(1, Math.min(inputSize, Math.round(frame.width * fit)));
  const h = Math.max(1, Math.min(inputSize, Math.round(frame.height * fit)));
  let input = frame;
  if (w !== frame.width || h !== frame.height) {
    // a frame smaller than the detector's input (a small picture): enlarged, so that its faces are found
    const { data } = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
      .resize(w, h, { fit: 'fill' })
      .extend({ right: inputSize - w, bottom: inputSize - h, background: { r: 0, g: 0, b: 0 } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    input = { width: inputSize, height: inputSize, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  }
  // a frame decoded at the detector's input size goes in as it is (the detector pads it to its square)
  const found = detector.detect(input, { inputSize, minScore: MIN_SCORE });
  const sx = width / w;
  const sy = height / h;
  const largest = found[0];
  if (largest && Math.max(largest.width * sx, largest.height * sy) >= FILLS_FRAME * Math.max(width, height)) return whole;
  // each face as the square that is judged (it may reach past the image's edges: cropFace pads it with black)
  const faces = found.map((b) => {
    const m = Math.max(b.width * sx, b.height * sy);
    const side = m * CROP_SCALE;
    const cx = (b.x + b.width / 2) * sx;
    const cy = (b.y + b.height / 2) * sy + CROP_SHIFT_Y * m;
    return { x: round(cx - side / 2), y: round(cy - side / 2), width: round(side), height: round(side) };
  });
  return { width, height, faces };
}

const round = (v: number) => Math.round(v * 10) / 10;

/** A face's box as shown: its judged square, within the image. */
export function visibleBox(b: Box, d: Detection): Box {
  const x = Math.max(0, b.x);
  const y = Math.max(0, b.y);
  return { x, y, width: round(Math.min(d.width, b.x + b.width) - x), height: round(Math.min(d.height, b.y + b.height) - y) };
}

/**
 * An image with no face found is judged whole, fitted into the base's square: past this ratio of its sides
 * that is a sliver a few pixels high (a 20000x20 strip, or a JPEG whose damaged header claims 350x65035 and
 * whose rows past the 350th are filler), and any answer would be a guess. Faces are not found there either:
 * the detector's frame is 288 px long, so a face as high as such an image is under 29 px in it (a banner of
 * faces would need the detector run on squares along it: not done).
 */
export const MAX_WHOLE_ASPECT = 10;

/** Refuses judging the whole image when no face was found in it and it is too long and thin for that. */
export function refuseThinWhole(d: Detection, file: string): void {
  if (d.faces.length > 0 || Math.max(d.width, d.height) <= MAX_WHOLE_ASPECT * Math.min(d.width, d.height)) return;
  throw new InputFileError(file, inputReason('reason.tooThin', { width: d.width, height: d.height }));
}

/** True when the detection says: judge the whole image (it is a face crop, or no face was found). */
export function judgedWhole(d: Detection): boolean {
  const f = d.faces[0];
  return !f || (d.faces.length === 1 && f.x === 0 && f.y === 0 && f.width === d.width && f.height === d.height);
}

/**
 * The `size` x `size` square a base takes for face `index` of the detection; the whole image (centred,
 * black-padded, as before faces were detected) when it is judged whole.
 */
export async function cropFace(bytes: Buffer, file: string, frame: RgbFrame, d: Detection, index: number, size: number): Promise<RgbImage> {
  if (judgedWhole(d)) return decodeImage(bytes, file, { size });
  const b = d.faces[index]!;
  const sx = frame.width / d.width;
  const sy = frame.height / d.height;
  const side = Math.max(b.width * sx, b.height * sy);
  // the square's left and top in the frame, and frame pixels per crop pixel
  const x0 = (b.x + b.width / 2) * sx - side / 2;
  const y0 = (b.y + b.height / 2) * sy - side / 2;
  const step = side / size;
  // bilinear, black past the frame's edges; in JavaScript: a sharp call costs a round trip through libuv's
  // thread pool (1 to 4 ms measured) for 37 K pixels that take 0.2 ms here, and the frame is at most the
  // detector's input, so a face is enlarged or shrunk by less than about 2 (no aliasing to speak of)
  return { size, data: resampleSquare({ ...frame, channels: 3 }, x0, y0, step, size) };
}

function toRgb(data: Buffer, channels: number, pixels: number): Uint8Array {
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * channels + (channels < 3 ? 0 : c)]!;
  return out;
}
