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
import { iou, overlap, type FaceBox, type FaceDetector, type RgbFrame } from './face-detector.js';

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
 * The first look at an image is at most this side: the detector's input, so that the frame goes into the
 * detector as it is (no resize between), and a larger JPEG is shrunk on load (decoded at 1/2, 1/4, 1/8 scale
 * several times faster). On the pasted set (faces at 20-40 % width, the [slow] test in
 * test/engine/faces.test.ts) a frame of 288 found the same 114 of 120 faces as one of 640 (boxes' median IoU
 * 0.794 against 0.796), and with the detector padding to whole cells 115, of which 102 judged right, as 102 of
 * 114 from the 640 frame. A face under about a fifth of a photo's longer side is small there (see FINER_SIDES).
 */
const FRAME_MAX_SIDE = DETECTOR_INPUT;
/**
 * Where the first look finds no face, or one smaller than RELIABLE_BOX in the detector's input, and the image
 * has more pixels, the detector looks again at twice the side, up to the last of these. Its smallest anchor is
 * about 51x67 px: a face smaller than that is found at 288 with a loose box (on 1920 px party photos, boxes of
 * 300-345 px around faces of 230) or not at all (in 2400x1600 scenes, none of 60 faces at 4-10 % of the
 * width, half at 13 %). A finer look gives only faces too small for the look before (under RELIABLE_BOX
 * there), and of those what lies in a small box the look before saw (HINT_SCORE and up), or all of them once
 * it is sure of one (BLIND_SCORE); its faces replace the coarser boxes they overlap (mergeLooks), and a
 * coarser box that no finer look saw at all (no box of any size there) goes (confirmedBy). Measured
 * (scratch scripts: 2400x1600 scenes of three pasted photos-happy-sad crops; faceless scenes of
 * test/helpers/pasted-faces.ts's striped textures): every box at score 0.1 found 114 of 144 faces at 4-10 %
 * but drew boxes in 52 of 120 faceless scenes of 640-1600 px; as now 102 of 144, 33 of 36 at 13 %, no box
 * in those 120 scenes (at 2400x1600, 8 of 30 such scenes get a box from the first look, as before), and on
 * the pasted set the same 115 of 120 faces (6 of 55 scenes looked at again). Against the first look alone,
 * on 40 scenes of 1600-3000 px with one large face and one to three of 8-20 % (a helper's review): 23 faces
 * more found, 3 lost (a finer look's box, inside the face but smaller, replaced the coarse one). Each finer
 * look costs about four times the one before (a 2400x1600 photo 0.1-0.25 s in all), paid once per image
 * (detections are cached), and only where the first look did not see its faces well.
 */
export const FINER_SIDES = [576, 1152] as const;
/** A box smaller than this (its larger side, in the detector's input) is near the detector's smallest anchor. */
export const RELIABLE_BOX = 56;
/** Boxes this likely, no face in themselves, say where a finer look may find a small one. */
export const HINT_SCORE = 0.05;
/** A finer look's face outside the small boxes of the look before: this sure. */
export const BLIND_SCORE = 0.7;
/**
 * A face is cut from the smallest frame (288, then the finer sides; never past the image's own size) in which
 * it is at least this many pixels across, so that a face found by a finer look is not judged from a few dozen
 * pixels (FER2013's crops, what the base learned from, are 48 px). At 48 the pasted set's faces of 40-48 px at
 * 288 were cut finer too, and one of them changed its verdict to a wrong one (103 of 120 right against 104): at
 * 40 the faces the first look finds well are cut as they were.
 */
export const CUT_MIN = 40;
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
export const CROP_VERSION = `c9-${DETECTOR_INPUT}-${MIN_SCORE}-${CROP_SCALE}-${CROP_SHIFT_Y}-${FILLS_FRAME}-${CROP_MAX_SIDE}-${FRAME_MAX_SIDE}-${FINER_SIDES.join('.')}-${RELIABLE_BOX}-${HINT_SCORE}-${BLIND_SCORE}-${CUT_MIN}`;

/** An image decoded for the detector: the frame, and the displayed image's own size. */
export interface DecodedFrame {
  frame: RgbFrame;
  width: number;
  height: number;
}

/**
 * Decodes `bytes` in its displayed orientation, at most `maxSide` on its longer side (never enlarged); `width`
 * and `height` are the displayed image's own. A file that cannot be decoded is refused with decodeImage's reason.
 */
export async function decodeFrame(bytes: Buffer, file: string, maxSide: number = FRAME_MAX_SIDE): Promise<DecodedFrame> {
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
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const frame = { width: info.width, height: info.height, data: toRgb(data, info.channels, info.width * info.height) };
    // a header read in JavaScript that does not fit the frame decoded (another format, an odd file): libvips says
    // asked as the pixels were (openImage: the first page, only errors refused): a damaged later frame of an
    // animated GIF fails libvips' stricter default, and the photo was said to be undecodable
    if (!size || !fitsFrame(size, frame, maxSide)) size = displayedSize(await openImage(bytes).input.metadata());
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

/** True when a frame decoded from an image of `size` (fitted inside `maxSide`, never enlarged) has the frame's size. */
function fitsFrame(size: { width: number; height: number }, frame: { width: number; height: number }, maxSide: number): boolean {
  const fit = Math.min(1, maxSide / Math.max(size.width, size.height));
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
 * One image's frames at the sides asked, each decoded once: the detector's looks and the cut share them.
 * A file that cannot be decoded is refused at the first ask (decodeFrame's reason).
 */
export class ImageFrames {
  private readonly frames = new Map<number, Promise<DecodedFrame>>();

  constructor(
    private readonly bytes: Buffer,
    private readonly file: string,
  ) {}

  /** The image fitted inside `side` x `side`, never enlarged. */
  at(side: number): Promise<DecodedFrame> {
    let frame = this.frames.get(side);
    if (!frame) {
      const finest = FINER_SIDES[FINER_SIDES.length - 1]!;
      // a JPEG shrinks on load (1/2, 1/4, 1/8 scale), so each side decoded on its own costs less than the whole;
      // other formats decode whole whatever the side (a 12 MP PNG 0.1 s, WebP 0.24 s, each time): a finer look's
      // frame is shrunk from the finest one, decoded once
      frame = side > DETECTOR_INPUT && side < finest && !isJpeg(this.bytes) ? this.at(finest).then((f) => shrinkFrame(f, side)) : decodeFrame(this.bytes, this.file, side);
      this.frames.set(side, frame);
    }
    return frame;
  }

  /** The sides decoded so far (what a look cost). */
  get decoded(): number[] {
    return [...this.frames.keys()];
  }
}

const isJpeg = (bytes: Buffer) => bytes.length > 2 && bytes[0] === 0xff && bytes[1] === 0xd8;

/** A decoded frame fitted inside `side` x `side` (never enlarged). */
async function shrinkFrame(f: DecodedFrame, side: number): Promise<DecodedFrame> {
  if (Math.max(f.frame.width, f.frame.height) <= side) return f;
  const { data, info } = await sharp(f.frame.data, { raw: { width: f.frame.width, height: f.frame.height, channels: 3 } })
    .resize(side, side, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { frame: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, width: f.width, height: f.height };
}

/** A box found in one look, in the displayed image's pixels, and its larger side in the detector's input. */
export interface Found {
  box: FaceBox;
  inputSide: number;
}

/**
 * The faces in an image, largest first, in its displayed pixels: a first look at DETECTOR_INPUT, then finer
 * ones where it found nothing or a face near the detector's smallest anchor (FINER_SIDES). A frame decoded at
 * the detector's input goes in as it is (the detector pads it to whole cells); a smaller one (a small picture)
 * is enlarged into the detector's square by sharp, padded at the bottom and right as face-api does: on the
 * wasm backend padding and resizing a whole frame in TensorFlow.js cost more than the detector's network.
 */
export async function findFaces(detector: FaceDetector, frames: ImageFrames): Promise<Detection> {
  const first = await frames.at(DETECTOR_INPUT);
  const { width, height } = first;
  const whole = { width, height, faces: [{ x: 0, y: 0, width, height }] };
  if (width <= CROP_MAX_SIDE && height <= CROP_MAX_SIDE) return whole;
  // what each look saw, faint boxes too, and the faces in it
  let seen = await firstLook(detector, first);
  const looks: Found[][] = [seen.filter((f) => f.box.score >= MIN_SCORE)];
  // each finer look's boxes of every size, which say whether a coarser look saw a face (see confirmedBy)
  const seenWhole: FaceBox[][] = [];
  const largest = looks[0]![0]?.box;
  if (largest && Math.max(largest.width, largest.height) >= FILLS_FRAME * Math.max(width, height)) return whole;
  const longer = Math.max(width, height);
  let side = Math.max(first.frame.width, first.frame.height);
  for (const next of FINER_SIDES) {
    // looked at again finer where the last look found no face or a small one (near the detector's smallest
    // anchor), if the image's longer side is a fifth longer at least than the last look's
    const last = looks[looks.length - 1]!;
    if ((last.length > 0 && last.every((f) => f.inputSide >= RELIABLE_BOX)) || Math.min(next, longer) < side * 1.2) break;
    const hints = seen.filter((f) => f.inputSide < RELIABLE_BOX);
    const coarser = side;
    const finer = await frames.at(next);
    side = Math.max(finer.frame.width, finer.frame.height);
    const sx = width / finer.frame.width;
    const sy = height / finer.frame.height;
    const every = detector.detect(finer.frame, { inputSize: side, minScore: HINT_SCORE }).map((b) => found(b, sx, sy));
    seenWhole.push(every.filter((f) => f.box.score >= MIN_SCORE).map((f) => f.box));
    // a face the look before saw well enough is its to give (a large box here is mostly loose)
    const all = every.filter((f) => (f.inputSide * coarser) / side < RELIABLE_BOX);
    // one face it is sure of: the faces are at this scale, its other boxes count as the first look's do;
    // otherwise only what lies in a small box of the look before
    seen = all.some((f) => f.box.score >= BLIND_SCORE) ? all : all.filter((f) => hints.some((h) => covered(h.box, f.box) >= 0.5));
    looks.push(seen.filter((f) => f.box.score >= MIN_SCORE));
  }
  // each face as the square that is judged (it may reach past the image's edges: cropFace pads it with black)
  const faces = mergeLooks(looks.map((look, i) => (i < seenWhole.length ? confirmedBy(look, seenWhole.slice(i).flat()) : look))).map((b) => {
    const m = Math.max(b.width, b.height);
    const side = m * CROP_SCALE;
    const cx = b.x + b.width / 2;
    const cy = b.y + b.height / 2 + CROP_SHIFT_Y * m;
    return { x: round(cx - side / 2), y: round(cy - side / 2), width: round(side), height: round(side) };
  });
  return { width, height, faces };
}

/** The detector on the first frame; boxes in the displayed image's pixels. */
async function firstLook(detector: FaceDetector, { frame, width, height }: DecodedFrame): Promise<Found[]> {
  const inputSize = DETECTOR_INPUT;
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
  return detector.detect(input, { inputSize, minScore: HINT_SCORE }).map((b) => found(b, width / w, height / h));
}

/**
 * The faces of all looks, largest first. The finer looks' faces come first, and a coarser look's box is dropped
 * where it overlaps one of theirs (IoU above 0.3, or half of the smaller one inside the other): the coarse
 * look's box around a small face is loose, and may hold two faces side by side. Boxes of one look are left as
 * the detector's own suppression left them (two faces of a photo may overlap), and a coarse box no finer look
 * replaced stays (a finer look may see that face worse, or too large for what it gives).
 */
export function mergeLooks(looks: ReadonlyArray<ReadonlyArray<Found>>): FaceBox[] {
  const kept: FaceBox[] = [];
  for (let i = looks.length - 1; i >= 0; i--) {
    const finer = [...kept];
    for (const { box } of looks[i]!) {
      if (!finer.some((k) => sameFace(k, box))) kept.push(box);
    }
  }
  return kept.sort((a, b) => b.width * b.height - a.width * a.height);
}

/**
 * The faces of a look that a finer look saw too (one of its boxes, of any size, overlapping each as mergeLooks
 * counts overlap). A finer look sees the same image with four times the pixels or more, and the coarse
 * look's faint or loose boxes are mostly not faces: on six 1920 px group photos (face-api's demo pictures,
 * looked at only), the 288 px look boxed a torso, hair and blinds between two faces, and the gap between two
 * heads (scores 0.13 to 0.72), each larger than the faces and so the face that named the photo's verdict in
 * four of the six; the 576 px look, which found all the faces, had no box there.
 */
export function confirmedBy(look: ReadonlyArray<Found>, finer: ReadonlyArray<FaceBox>): Found[] {
  return look.filter(({ box }) => finer.some((f) => sameFace(f, box)));
}

/** Two looks' boxes around one face: IoU above 0.3, or half of the smaller one inside the other. */
const sameFace = (a: FaceBox, b: FaceBox) => iou(a, b) > 0.3 || covered(a, b) > 0.5;

/** How much of the smaller of two boxes lies inside the other. */
const covered = (a: FaceBox, b: FaceBox) => overlap(a, b) / Math.min(a.width * a.height, b.width * b.height);

/** A detector's box in the displayed image's pixels (`sx`, `sy`: displayed pixels per input pixel). */
const found = (b: FaceBox, sx: number, sy: number): Found => ({
  box: { x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy, score: b.score },
  inputSide: Math.max(b.width, b.height),
});

/**
 * The side of the frame a face is cut from: the smallest of the detector's sides (never past the image's own)
 * in which it is CUT_MIN across, so that a large face is not shrunk from a fine frame (resampleSquare does not
 * average what it skips). A function of the detection alone, so that a face is cut the same from a cached
 * detection as from a fresh one.
 */
export function cutSide(d: Detection, face: Box): number {
  const longer = Math.max(d.width, d.height);
  const size = Math.max(face.width, face.height);
  const sides = [DETECTOR_INPUT, ...FINER_SIDES];
  return sides.find((side) => side >= longer || (size * side) / longer >= CUT_MIN) ?? sides[sides.length - 1]!;
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
 * whose rows past the 350th are filler), and any answer would be a guess. Faces in such an image can be
 * found by the finer looks (a 2400x200 banner of three faces 180 px high: all three, at 1152), and judged;
 * not where they are under about 56 px at 1152 (a 20000x600 banner's).
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
  // thread pool (1 to 4 ms measured) for 37 K pixels that take 0.2 ms here, and the frame is the smallest in
  // which the face is 40 px across (cutSide): a finer one holds it under 80 px, enlarged to the base's input,
  // and the 288 px one shrinks it by less than about 2.6 (no aliasing to speak of)
  return { size, data: resampleSquare({ ...frame, channels: 3 }, x0, y0, step, size) };
}

/**
 * The squares a base takes for the faces asked (indexes into the detection; null: the whole image), each cut
 * from its own frame (cutSide) of `frames`, which hold the image `bytes`.
 */
export async function cutFaces(frames: ImageFrames, bytes: Buffer, file: string, d: Detection, faces: ReadonlyArray<number | null>, size: number): Promise<RgbImage[]> {
  return Promise.all(
    faces.map(async (face) => {
      // no face (judged whole, decoded anew by cropFace): the frame the detector looked at first
      const box = face === null ? undefined : d.faces[face];
      const { frame } = await frames.at(box ? cutSide(d, box) : DETECTOR_INPUT);
      return cropFace(bytes, file, frame, d, face ?? 0, size);
    }),
  );
}

function toRgb(data: Buffer, channels: number, pixels: number): Uint8Array {
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * channels + (channels < 3 ? 0 : c)]!;
  return out;
}
