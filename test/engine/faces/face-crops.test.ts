import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { confirmedBy, cropFace, cutFaces, cutSide, decodeFrame, findFaces, ImageFrames, mergeLooks, wholeIfSmall, type Detection, type Found } from '../../../engine/faces/face-crops.js';
import { composeScene } from '../../helpers/pasted-faces.js';
import type { FaceBox, FaceDetector, RgbFrame } from '../../../engine/faces/face-detector.js';

/** A frame whose every pixel says where it is: red = x, green = y, blue = x + y (mod 256). */
function coordinates(width: number, height: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x % 256, y % 256, (x + y) % 256], (y * width + x) * 3);
  }
  return { width, height, data };
}

const pixel = (data: Uint8Array, size: number, u: number, v: number) => Array.from(data.subarray((v * size + u) * 3, (v * size + u) * 3 + 3));
// never read: the image is judged whole only when the detection says so
const NO_BYTES = Buffer.alloc(0);

test('a face inside the frame, at its own size: the crop is its pixels exactly', async () => {
  const frame = coordinates(200, 150);
  // a second face, so that the detection is not "the whole image"
  const d: Detection = { width: 200, height: 150, faces: [{ x: 40, y: 30, width: 16, height: 16 }, { x: 0, y: 0, width: 4, height: 4 }] };
  const crop = await cropFace(NO_BYTES, 'scene.jpg', frame, d, 0, 16);
  assert.equal(crop.size, 16);
  for (const [u, v] of [[0, 0], [15, 0], [7, 9], [15, 15]] as const) assert.deepEqual(pixel(crop.data, 16, u, v), [40 + u, 30 + v, 70 + u + v], `crop pixel ${u},${v}`);
});

test('boxes in the displayed image are scaled to the frame it was decoded at', async () => {
  const frame = coordinates(100, 75);
  // displayed at 400x300, decoded at a quarter: the face at (160, 120) is at (40, 30) in the frame
  const d: Detection = { width: 400, height: 300, faces: [{ x: 160, y: 120, width: 64, height: 64 }, { x: 0, y: 0, width: 8, height: 8 }] };
  const crop = await cropFace(NO_BYTES, 'scene.jpg', frame, d, 0, 16);
  assert.deepEqual(pixel(crop.data, 16, 0, 0), [40, 30, 70]);
  assert.deepEqual(pixel(crop.data, 16, 15, 15), [55, 45, 100]);
});

test('a square reaching past the frame’s edges is black there, and the frame where it overlaps', async () => {
  const frame = coordinates(50, 40);
  const d: Detection = { width: 50, height: 40, faces: [{ x: -8, y: -4, width: 16, height: 16 }, { x: 30, y: 30, width: 4, height: 4 }] };
  const crop = await cropFace(NO_BYTES, 'scene.jpg', frame, d, 0, 16);
  assert.deepEqual(pixel(crop.data, 16, 0, 0), [0, 0, 0], 'left of and above the frame');
  assert.deepEqual(pixel(crop.data, 16, 7, 10), [0, 0, 0], 'left of the frame');
  assert.deepEqual(pixel(crop.data, 16, 10, 2), [0, 0, 0], 'above the frame');
  assert.deepEqual(pixel(crop.data, 16, 9, 5), [1, 1, 2], 'inside the frame');
  assert.deepEqual(pixel(crop.data, 16, 15, 15), [7, 11, 18]);
});

test('a face enlarged to the base’s input: values between its pixels, none outside their range', async () => {
  const frame = coordinates(64, 64);
  const d: Detection = { width: 64, height: 64, faces: [{ x: 10, y: 20, width: 8, height: 8 }, { x: 50, y: 50, width: 4, height: 4 }] };
  const crop = await cropFace(NO_BYTES, 'scene.jpg', frame, d, 0, 32);
  for (let v = 0; v < 32; v++) {
    for (let u = 0; u < 32; u++) {
      const [r, g] = pixel(crop.data, 32, u, v);
      assert.ok(r! >= 10 && r! <= 17 && g! >= 20 && g! <= 27, `pixel ${u},${v} = ${r},${g} within the face's`);
    }
  }
  // monotonic along each axis, as the frame is
  assert.ok(pixel(crop.data, 32, 31, 0)[0]! > pixel(crop.data, 32, 0, 0)[0]!);
  assert.ok(pixel(crop.data, 32, 0, 31)[1]! > pixel(crop.data, 32, 0, 0)[1]!);
});

test('a small image judged whole has its box in displayed pixels, whatever its format says of its orientation', async () => {
  const stored = sharp({ create: { width: 48, height: 40, channels: 3, background: '#808080' } });
  for (const format of ['jpeg', 'png', 'webp'] as const) {
    for (const orientation of [1, 3, 6, 8]) {
      const bytes = await stored.clone().toFormat(format).withMetadata({ orientation }).toBuffer();
      const shown = orientation >= 5 ? [40, 48] : [48, 40];
      const d = await wholeIfSmall(bytes);
      assert.deepEqual([d?.width, d?.height, d?.faces[0]?.width, d?.faces[0]?.height], [...shown, ...shown], `${format}, orientation ${orientation}`);
    }
  }
});

const found = (x: number, y: number, side: number, inputSide: number, score = 0.9): Found => ({ box: { x, y, width: side, height: side, score }, inputSide });

test('looks merged: a finer look’s face replaces the coarse look’s loose box around it; boxes no finer face overlaps stay, overlapping ones of one look too', () => {
  const coarse = [
    found(100, 100, 340, 51), // loose, around the face found finer below
    found(900, 80, 600, 90), // large and well seen: only the coarse look has it
    found(1500, 900, 330, 50), // small and seen only coarse: no finer face replaces it, so it stays
  ];
  const finer = [found(140, 150, 230, 69), found(600, 700, 100, 30, 0.2)];
  const merged = mergeLooks([coarse, finer]);
  assert.deepEqual(merged.map((b) => [b.x, b.y, b.width]), [[900, 80, 600], [1500, 900, 330], [140, 150, 230], [600, 700, 100]]);
  // one look's boxes as the detector left them: two faces of a photo may overlap
  const overlapping = [found(80, 60, 240, 90), found(200, 130, 150, 60)];
  assert.deepEqual(mergeLooks([overlapping]).map((b) => b.x), [80, 200]);
  assert.deepEqual(mergeLooks([overlapping, []]).map((b) => b.x), [80, 200]);
  // a coarse box holding two faces found finer side by side (neither overlaps it much by IoU)
  const two = mergeLooks([[found(0, 0, 400, 60)], [found(20, 120, 150, 60), found(220, 120, 150, 60)]]);
  assert.deepEqual(two.map((b) => b.x), [20, 220]);
});

test('a coarse look’s box that no finer look saw is dropped (a torso under a face); one a finer look saw at any size stays', () => {
  const face = found(350, 400, 360, 54);
  const torso = found(355, 530, 380, 57, 0.33); // under the face, half of the finer face's box inside it at most
  const large = found(1300, 200, 450, 68, 0.6); // seen well: the finer look's box for it is too large to give, but says it is there
  const finer: FaceBox[] = [{ x: 366, y: 400, width: 273, height: 244, score: 0.86 }, { x: 1310, y: 220, width: 430, height: 420, score: 0.5 }];
  assert.deepEqual(confirmedBy([face, torso, large], finer).map((f) => f.box.y), [400, 200]);
  // a small finer face inside a loose coarse box confirms it (mergeLooks then keeps the finer face instead)
  assert.equal(confirmedBy([found(0, 0, 400, 60)], [{ x: 20, y: 120, width: 150, height: 150, score: 0.8 }]).length, 1);
  assert.deepEqual(confirmedBy([torso], []), []);
});

test('a photo looked at again finer keeps the coarse faces the finer look saw and loses the coarse box it did not', async () => {
  // a 1920x1280 photo: the 288 px look sees a small face (54 px there), a loose torso box under it and a large
  // face; the 576 px look sees the small face sure and the large one, and nothing where the torso box was
  const shown = (x: number, y: number, w: number, h: number, score: number) => ({ x, y, w, h, score });
  const looks: Record<number, ReturnType<typeof shown>[]> = {
    288: [shown(360, 360, 360, 360, 0.5), shown(350, 560, 380, 380, 0.33), shown(1300, 200, 450, 450, 0.6)],
    576: [shown(366, 370, 260, 260, 0.86), shown(1310, 210, 430, 430, 0.5)],
  };
  const sides: number[] = [];
  const detector: FaceDetector = {
    version: 'fake',
    detect: (frame, { inputSize, minScore }) => {
      sides.push(inputSize);
      const k = frame.width / 1920;
      return (looks[inputSize] ?? []).filter((b) => b.score >= minScore).map((b) => ({ x: b.x * k, y: b.y * k, width: b.w * k, height: b.h * k, score: b.score }));
    },
    dispose: () => undefined,
  };
  const d = await findFaces(detector, new ImageFrames(await composeScene(1920, 1280, [], 3), 'party.jpg'));
  assert.deepEqual(sides, [288, 576]);
  // judged squares: 0.95 of the box's larger side, centred 0.11 of it higher
  assert.deepEqual(
    d.faces.map((b) => [Math.round(b.x + b.width / 2), Math.round(b.y + b.height / 2)]),
    [
      [1525, 376],
      [496, 471],
    ],
  );
});

test('a face is cut from the smallest frame in which it is 40 px across, never past the image’s own size', () => {
  const d = (width: number, height: number, side: number): Detection => ({ width, height, faces: [{ x: 10, y: 10, width: side, height: side }] });
  const cut = (x: Detection) => cutSide(x, x.faces[0]!);
  // 250 px in 1920: 37.5 px at 288, so cut at 576
  assert.equal(cut(d(1920, 1280, 250)), 576);
  assert.equal(cut(d(1920, 1280, 270)), 288);
  // 60 px in 2400: 29 px at 576, 58 at 1152
  assert.equal(cut(d(2400, 1600, 60)), 1152);
  // tinier still: the finest side there is
  assert.equal(cut(d(4000, 3000, 30)), 1152);
  // a 500 px image: its own pixels (the frame at 576 is the image itself)
  assert.equal(cut(d(500, 400, 20)), 576);
  // several faces: each its own, so that a large face is not shrunk from a fine frame
  const two: Detection = { width: 1920, height: 1280, faces: [{ x: 0, y: 0, width: 600, height: 600 }, { x: 900, y: 0, width: 150, height: 150 }] };
  assert.deepEqual(two.faces.map((f) => cutSide(two, f)), [288, 576]);
});

test('each face asked is cut from its own frame: a large one from the 288 px frame, a small one from a finer frame', async () => {
  const bytes = await composeScene(2400, 1600, [], 7);
  const d: Detection = { width: 2400, height: 1600, faces: [{ x: 200, y: 200, width: 900, height: 900 }, { x: 1800, y: 900, width: 100, height: 100 }] };
  const frames = new ImageFrames(bytes, 'party.jpg');
  const [large, small] = await cutFaces(frames, bytes, 'party.jpg', d, [0, 1], 32);
  // 100 px of 2400 is 24 px at 576 and 48 at 1152
  assert.deepEqual(frames.decoded.sort((a, b) => a - b), [288, 1152]);
  assert.deepEqual(large, await cropFace(bytes, 'party.jpg', (await frames.at(288)).frame, d, 0, 32));
  assert.deepEqual(small, await cropFace(bytes, 'party.jpg', (await frames.at(1152)).frame, d, 1, 32));
  assert.notDeepEqual(small, await cropFace(bytes, 'party.jpg', (await frames.at(288)).frame, d, 1, 32), 'not the coarse frame’s pixels');
});

test('a PNG’s finer frames are shrunk from the finest one, decoded once (it cannot shrink on load as a JPEG does); a JPEG’s each decoded on its own', async () => {
  const jpeg = await composeScene(2400, 1600, [], 8);
  const png = await sharp(jpeg).png().toBuffer();
  const pngFrames = new ImageFrames(png, 'scene.png');
  const shrunk = await pngFrames.at(576);
  assert.deepEqual(pngFrames.decoded.sort((a, b) => a - b), [576, 1152], 'the finest frame decoded for it');
  assert.deepEqual([shrunk.frame.width, shrunk.frame.height, shrunk.width, shrunk.height], [576, 384, 2400, 1600]);
  const direct = await decodeFrame(png, 'scene.png', 576);
  let diff = 0;
  for (let i = 0; i < direct.frame.data.length; i++) diff += Math.abs(direct.frame.data[i]! - shrunk.frame.data[i]!);
  assert.ok(diff / direct.frame.data.length < 3, `about the pixels of decoding it at 576 (mean difference ${(diff / direct.frame.data.length).toFixed(2)})`);
  const jpegFrames = new ImageFrames(jpeg, 'scene.jpg');
  await jpegFrames.at(576);
  assert.deepEqual(jpegFrames.decoded, [576]);
});
