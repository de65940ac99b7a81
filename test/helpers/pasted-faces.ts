/**
 * Makes a set of "real photo" scenes from face crops: each crop (in greyscale) pasted at 20-40 % of the
 * scene's width onto a larger background (a generated texture, or another photo of the set blown up and
 * blurred beyond recognition), one to three faces per scene, never overlapping. What each scene holds and
 * where is written next to it, so that a test can check that every face is found, where, and how it is judged.
 */
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng, uniform } from '../../engine/random.js';

export interface PastedFace {
  /** the crop it was made from */
  source: string;
  label: 'happy' | 'sad';
  /** where it was pasted, in the scene's pixels */
  box: { x: number; y: number; width: number; height: number };
}

export interface Scene {
  file: string;
  width: number;
  height: number;
  faces: PastedFace[];
}

/** Every image in `<dataset>/happy` and `<dataset>/sad`, sorted, labelled by its folder. */
export function labelledCrops(dataset: string): Array<{ file: string; label: 'happy' | 'sad' }> {
  return (['happy', 'sad'] as const).flatMap((label) =>
    readdirSync(join(dataset, label))
      .filter((n) => /\.(jpe?g|png|webp)$/i.test(n))
      .sort()
      .map((n) => ({ file: join(dataset, label, n), label })),
  );
}

const SIZES: ReadonlyArray<readonly [number, number]> = [
  [640, 480],
  [800, 600],
  [600, 800],
  [960, 640],
];

/** Writes the scenes into `outDir` and returns them; the same seed gives the same scenes. */
export async function makePastedScenes(crops: ReadonlyArray<{ file: string; label: 'happy' | 'sad' }>, outDir: string, seed = 1): Promise<Scene[]> {
  await mkdir(outDir, { recursive: true });
  const rng = createRng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length) % xs.length]!;
  // shuffled, so that a scene mixes labels
  const order = crops.map((c, i) => ({ c, k: rng(), i })).sort((a, b) => a.k - b.k).map((x) => x.c);
  const scenes: Scene[] = [];
  for (let next = 0, n = 0; next < order.length; n++) {
    const [width, height] = pick(SIZES);
    const want = 1 + Math.floor(rng() * 3);
    const faces: PastedFace[] = [];
    const layers: import('sharp').OverlayOptions[] = [];
    for (let tries = 0; faces.length < want && next < order.length && tries < 50; tries++) {
      const crop = order[next]!;
      const meta = await sharp(crop.file).metadata();
      const w = Math.round(width * uniform(rng, 0.2, 0.4));
      const h = Math.round((w * meta.height!) / meta.width!);
      if (h > height * 0.9) continue;
      const box = { x: Math.floor(rng() * (width - w)), y: Math.floor(rng() * (height - h)), width: w, height: h };
      if (faces.some((f) => overlaps(f.box, box, 8))) continue;
      layers.push({ input: await sharp(crop.file).greyscale().resize(w, h, { fit: 'fill' }).toColourspace('srgb').png().toBuffer(), left: box.x, top: box.y });
      faces.push({ source: crop.file, label: crop.label, box });
      next++;
    }
    const file = join(outDir, `scene-${String(n).padStart(3, '0')}.jpg`);
    const background = n % 2 === 0 ? texture(width, height, rng) : await blurredPhoto(pick(crops).file, width, height);
    await writeFile(file, await (await background).greyscale().composite(layers).jpeg({ quality: 90 }).toBuffer());
    scenes.push({ file, width, height, faces });
  }
  await writeFile(join(outDir, 'scenes.json'), JSON.stringify(scenes, null, 1));
  return scenes;
}

/** One scene from given crops and places (greyscale JPEG bytes), on a texture made from `seed`. */
export async function composeScene(width: number, height: number, placements: ReadonlyArray<{ file: string; box: PastedFace['box'] }>, seed = 1): Promise<Buffer> {
  const layers = await Promise.all(
    placements.map(async (p) => ({ input: await sharp(p.file).greyscale().resize(p.box.width, p.box.height, { fit: 'fill' }).toColourspace('srgb').png().toBuffer(), left: p.box.x, top: p.box.y })),
  );
  return (await texture(width, height, createRng(seed))).greyscale().composite(layers).jpeg({ quality: 90 }).toBuffer();
}

function overlaps(a: PastedFace['box'], b: PastedFace['box'], gap: number): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/** Stripes and blobs of grey at a random angle, with noise: something with edges, but no face. */
function texture(width: number, height: number, rng: () => number) {
  const data = Buffer.alloc(width * height * 3);
  const angle = uniform(rng, 0, Math.PI);
  const period = uniform(rng, 12, 60);
  const base = uniform(rng, 60, 190);
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const stripe = Math.sin(((x * c + y * s) / period) * 2 * Math.PI) * 40;
      const blob = Math.sin(x / 97) * Math.cos(y / 71) * 30;
      const v = Math.max(0, Math.min(255, base + stripe + blob + (rng() - 0.5) * 40));
      data.fill(Math.round(v), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return Promise.resolve(sharp(data, { raw: { width, height, channels: 3 } }));
}

/** Another photo of the set, stretched over the scene and blurred: a plausible background that is no face. */
async function blurredPhoto(file: string, width: number, height: number) {
  const buf = await sharp(file).greyscale().resize(width, height, { fit: 'cover' }).blur(24).toColourspace('srgb').png().toBuffer();
  return sharp(buf);
}
