/**
 * File names in the library folders: the user's own name where it is free (they recognise their photos), made
 * safe on every OS, with an image extension (the folders hold only images), and unique across both folders,
 * case-insensitively, so that a correction never collides with a file already in the other folder.
 */
import { basename, extname } from 'node:path';
import { IMAGE_EXTENSIONS } from '../image-decode.js';

const MAX_STEM = 80;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** The extension a file of these bytes should carry, from its first bytes; null when not recognised. */
function sniffExtension(bytes: Uint8Array): string | null {
  const b = (i: number) => bytes[i] ?? -1;
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return '.jpg';
  if (b(0) === 0x89 && ascii(1, 4) === 'PNG') return '.png';
  if (ascii(0, 4) === 'GIF8') return '.gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return '.webp';
  if (b(0) === 0x42 && b(1) === 0x4d) return '.bmp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return '.tif';
  if (ascii(4, 8) === 'ftyp') return /^avi[fs]/.test(ascii(8, 12)) ? '.avif' : '.heic';
  return null;
}

/** A safe file name for `original` (a path or a name) holding these bytes. */
export function safeName(original: string, bytes: Uint8Array): string {
  const base = basename(original.replaceAll('\\', '/'));
  let ext = extname(base);
  let stem = ext ? base.slice(0, -ext.length) : base;
  if (!IMAGE_EXTENSIONS.has(ext.toLowerCase())) {
    stem = base;
    ext = sniffExtension(bytes) ?? '.jpg';
  }
  stem = stem
    // control characters and what Windows, macOS or Linux refuse in a name
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/[. ]+$/, '')
    .trim()
    .slice(0, MAX_STEM);
  // a leading dot would hide it (and the library takes dot files for its own temporary files)
  stem = stem.replace(/^\.+/, '_');
  if (stem === '' || WINDOWS_RESERVED.test(stem)) stem = `_${stem || 'image'}`;
  return `${stem}${ext.toLowerCase() === ext ? ext : ext.toLowerCase()}`;
}

/**
 * `wanted`, or when its name is taken (case-insensitively), the same with "-" and the first hex digits of the
 * content hash before the extension (more digits, then a counter, while still taken).
 */
export function uniqueName(wanted: string, id: string, taken: (lowerCaseName: string) => boolean): string {
  if (!taken(wanted.toLowerCase())) return wanted;
  const ext = extname(wanted);
  const stem = wanted.slice(0, wanted.length - ext.length);
  for (const digits of [8, 16, 64]) {
    const name = `${stem}-${id.slice(0, digits)}${ext}`;
    if (!taken(name.toLowerCase())) return name;
  }
  for (let i = 2; ; i++) {
    const name = `${stem}-${id.slice(0, 8)}-${i}${ext}`;
    if (!taken(name.toLowerCase())) return name;
  }
}
