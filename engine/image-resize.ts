/**
 * Enlarging a small decoded image into the base's square, in JavaScript. For a face crop like FER2013's 48x48
 * this is about a tenth of what sharp's resize costs per image (each sharp pipeline is a round trip through
 * libuv's thread pool plus libvips' setup: measured 0.9 ms of a 2 ms decode), and bilinear is how face-api
 * itself feeds its networks (tf.image.resizeBilinear).
 */

/** Pixels as decoded: `channels` (1 to 4; a 4th is ignored) interleaved bytes per pixel, row-major. */
export interface RawPixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/**
 * The image fitted inside a `size` x `size` square (aspect kept, centred, the rest black) with bilinear
 * sampling at pixel centres and edges repeated. Grey images become three equal channels. Pure.
 */
export function containBilinear(src: RawPixels, size: number): { size: number; data: Uint8Array } {
  const side = Math.max(src.width, src.height);
  return { size, data: resampleSquare(src, (src.width - side) / 2, (src.height - side) / 2, side / size, size) };
}

/**
 * The `size` x `size` square of `src` whose top left corner is at (x0, y0) in its pixels, `step` source pixels
 * per output pixel, sampled bilinearly at pixel centres (edges repeated); black where the square reaches past
 * the image. RGB out, whatever `src` has (grey: three equal channels; a fourth channel is ignored). Pure.
 * Without antialiasing: meant for enlarging, or shrinking by less than about 2.
 */
export function resampleSquare(src: RawPixels, x0: number, y0: number, step: number, size: number): Uint8Array {
  const { width: w, height: h, channels: ch, data } = src;
  if (w < 1 || h < 1 || ch < 1 || ch > 4 || data.length < w * h * ch) throw new Error(`resampleSquare: bad image ${w}x${h}x${ch} (${data.length} bytes)`);
  const xs = axis(w, x0, step, size);
  const ys = axis(h, y0, step, size);
  const out = new Uint8Array(size * size * 3);
  const grey = ch < 3;
  for (let v = 0; v < size; v++) {
    if (!ys.inside[v]) continue;
    const row0 = ys.i0[v]! * w;
    const row1 = ys.i1[v]! * w;
    const fy = ys.f[v]!;
    for (let u = 0; u < size; u++) {
      if (!xs.inside[u]) continue;
      const fx = xs.f[u]!;
      const a = (row0 + xs.i0[u]!) * ch;
      const b = (row0 + xs.i1[u]!) * ch;
      const c = (row1 + xs.i0[u]!) * ch;
      const d = (row1 + xs.i1[u]!) * ch;
      let o = (v * size + u) * 3;
      if (grey) {
        // one value for the three channels: a third of the work for grey faces (FER2013's), the same numbers
        const upper = data[a]! + (data[b]! - data[a]!) * fx;
        const lower = data[c]! + (data[d]! - data[c]!) * fx;
        out[o] = out[o + 1] = out[o + 2] = Math.round(upper + (lower - upper) * fy);
        continue;
      }
      for (let k = 0; k < 3; k++) {
        const upper = data[a + k]! + (data[b + k]! - data[a + k]!) * fx;
        const lower = data[c + k]! + (data[d + k]! - data[c + k]!) * fx;
        out[o++] = Math.round(upper + (lower - upper) * fy);
      }
    }
  }
  return out;
}

/**
 * For each output position along one axis: whether its centre falls on the image, the two source pixels it
 * lies between and its weight to the second (computed once per column and per row, not per pixel).
 */
function axis(len: number, start: number, step: number, size: number): { inside: Uint8Array; i0: Int32Array; i1: Int32Array; f: Float32Array } {
  const inside = new Uint8Array(size);
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const f = new Float32Array(size);
  for (let o = 0; o < size; o++) {
    const at = start + (o + 0.5) * step;
    if (at < 0 || at >= len) continue;
    inside[o] = 1;
    const c = Math.min(len - 1, Math.max(0, at - 0.5));
    const lo = Math.floor(c);
    i0[o] = lo;
    i1[o] = Math.min(len - 1, lo + 1);
    f[o] = c - lo;
  }
  return { inside, i0, i1, f };
}
