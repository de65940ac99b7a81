import sharp from 'sharp';

/** A width x height image, left half `left`, right half `right` (RGB). */
export function halves(width: number, height: number, left: [number, number, number], right: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? left : right, (y * width + x) * 3);
  }
  return data;
}

export function rawToSharp(data: Buffer, width: number, height: number, channels: 1 | 2 | 3 | 4 = 3) {
  return sharp(data, { raw: { width, height, channels } });
}

/** Uncompressed BMP writer for tests (24-bit, or 2- or 8-bit with a palette), bottom-up unless topDown. */
export function makeBmp(width: number, height: number, pixel: (x: number, y: number) => [number, number, number], opts: { bpp?: 2 | 8 | 24; topDown?: boolean } = {}): Buffer {
  const bpp = opts.bpp ?? 24;
  const palette: Array<[number, number, number]> = [];
  const indexOf = (c: [number, number, number]) => {
    let i = palette.findIndex((p) => p[0] === c[0] && p[1] === c[1] && p[2] === c[2]);
    if (i < 0) i = palette.push(c) - 1;
    return i;
  };
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = (opts.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const c = pixel(x, y);
      if (bpp === 24) pixels.set([c[2], c[1], c[0]], row + x * 3);
      else if (bpp === 8) pixels[row + x] = indexOf(c);
      else pixels[row + (x >> 2)]! |= indexOf(c) << (6 - 2 * (x & 3));
    }
  }
  const colours = bpp === 24 ? 0 : 1 << bpp;
  const paletteBytes = colours * 4;
  const header = Buffer.alloc(54 + paletteBytes);
  header.write('BM', 0);
  header.writeUInt32LE(54 + paletteBytes + pixels.length, 2);
  header.writeUInt32LE(54 + paletteBytes, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(opts.topDown ? -height : height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(bpp, 28);
  header.writeUInt32LE(0, 30);
  header.writeUInt32LE(pixels.length, 34);
  if (colours) {
    header.writeUInt32LE(colours, 46);
    palette.forEach((c, i) => header.set([c[2], c[1], c[0], 0], 54 + i * 4));
  }
  return Buffer.concat([header, pixels]);
}

/**
 * A JPEG whose scan has a run of bytes zeroed mid-way: libjpeg warns ("Corrupt JPEG data: premature end of
 * data segment") and decodes it with a smudge, as it does a photo damaged in a copy. Smooth content: in noise
 * the same damage often decodes without a warning. Tests check that sharp's failOn 'warning' refuses it.
 */
export async function damagedJpeg(width = 320, height = 240): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = Math.round(128 + 100 * Math.sin(x / 9 + c) * Math.cos(y / 13));
    }
  }
  const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  jpeg.fill(0, Math.floor(jpeg.length * 0.5), Math.floor(jpeg.length * 0.5) + 40);
  return jpeg;
}
