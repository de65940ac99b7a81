import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBmp } from '../../engine/bmp.js';

/** A bottom-up BMP of `width` x `height` with this palette (RGB) and these pixel bytes, compressed as said. */
function bmp(width: number, height: number, palette: Array<[number, number, number]>, compression: 1 | 2, bpp: 4 | 8, pixels: number[]): Buffer {
  const header = Buffer.alloc(54);
  const table = Buffer.alloc(palette.length * 4);
  palette.forEach(([r, g, b], i) => table.set([b, g, r, 0], i * 4));
  header.write('BM', 0);
  header.writeUInt32LE(54 + table.length + pixels.length, 2);
  header.writeUInt32LE(54 + table.length, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(bpp, 28);
  header.writeUInt32LE(compression, 30);
  header.writeUInt32LE(pixels.length, 34);
  header.writeUInt32LE(palette.length, 46);
  return Buffer.concat([header, table, Buffer.from(pixels)]);
}

const RED: [number, number, number] = [255, 0, 0];
const GREEN: [number, number, number] = [0, 255, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const WHITE: [number, number, number] = [255, 255, 255];
const rows = (img: { width: number; height: number; data: Uint8Array }) =>
  Array.from({ length: img.height }, (_, y) => Array.from({ length: img.width }, (_, x) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3)).join(',')));
const c = (rgb: [number, number, number]) => rgb.join(',');

test('run-length encoded BMPs (RLE8, RLE4) decode: runs, literal runs with their padding, line ends, a jump, the end', () => {
  // bottom row first: a run of 4; a literal run of 3 (padded to a word) then a run of 1; a run of 2, a jump of 2 to the right, the end
  const rle8 = bmp(4, 3, [RED, GREEN, BLUE, WHITE], 1, 8, [4, 0, 0, 0, 0, 3, 1, 2, 3, 0, 1, 0, 0, 0, 2, 2, 0, 2, 2, 0, 0, 1]);
  assert.deepEqual(rows(decodeBmp(rle8, 1e6)), [
    [c(BLUE), c(BLUE), c(RED), c(RED)],
    [c(GREEN), c(BLUE), c(WHITE), c(RED)],
    [c(RED), c(RED), c(RED), c(RED)],
  ]);
  // RLE4: a run alternates its two indexes; a literal run of 3 takes two bytes (a word: no padding)
  const rle4 = bmp(4, 2, [RED, GREEN, BLUE, WHITE], 2, 4, [4, 0x12, 0, 0, 0, 3, 0x13, 0x20, 1, 0x00, 0, 1]);
  assert.deepEqual(rows(decodeBmp(rle4, 1e6)), [
    [c(GREEN), c(WHITE), c(BLUE), c(RED)],
    [c(GREEN), c(BLUE), c(GREEN), c(BLUE)],
  ]);
});

test('a run-length encoded BMP cut short is refused; runs past a row\'s edge are cut there, not carried into the next row', () => {
  const cut = bmp(4, 3, [RED, GREEN], 1, 8, [4, 0, 0, 0, 2]);
  assert.throws(() => decodeBmp(cut, 1e6), /truncated BMP pixel data/);
  const long = bmp(4, 2, [RED, GREEN, BLUE], 1, 8, [255, 1, 0, 0, 1, 2, 0, 1]);
  assert.deepEqual(rows(decodeBmp(long, 1e6)), [
    [c(BLUE), c(RED), c(RED), c(RED)],
    [c(GREEN), c(GREEN), c(GREEN), c(GREEN)],
  ]);
  // top-down, which the format does not foresee for RLE but ImageMagick reads: rows in the order given
  const topDown = bmp(4, 2, [RED, GREEN, BLUE], 1, 8, [4, 1, 0, 0, 4, 2, 0, 1]);
  topDown.writeInt32LE(-2, 22);
  assert.deepEqual(rows(decodeBmp(topDown, 1e6)), [
    [c(GREEN), c(GREEN), c(GREEN), c(GREEN)],
    [c(BLUE), c(BLUE), c(BLUE), c(BLUE)],
  ]);
});

test('a run-length encoded BMP that claims millions of pixels and draws almost none is refused (a bomb: a few bytes, a quarter gigabyte)', () => {
  const bomb = bmp(7071, 7071, [RED, GREEN], 1, 8, [0, 1]);
  assert.throws(() => decodeBmp(bomb, 50e6), /^Error: a run-length encoded BMP of 7071x7071 whose data draws almost none of it \(decompression bomb guard\)$/);
  // a small picture drawn whole is not one
  assert.equal(decodeBmp(bmp(4, 1, [RED], 1, 8, [4, 0, 0, 1]), 50e6).width, 4);
});

test('an OS/2 2.x header, where compression 3 means Huffman coding, is refused rather than read as bit fields', () => {
  const os2 = Buffer.concat([bmp(4, 1, [RED], 1, 8, [4, 0, 0, 1]).subarray(0, 14), Buffer.alloc(64), Buffer.alloc(64)]);
  os2.writeUInt32LE(64, 14);
  os2.writeInt32LE(4, 18);
  os2.writeInt32LE(1, 22);
  os2.writeUInt16LE(1, 26);
  os2.writeUInt16LE(1, 28);
  os2.writeUInt32LE(3, 30);
  assert.throws(() => decodeBmp(os2, 1e6), /compressed BMP \(compression 3\) is not supported/);
});
