import type { reasonsEn } from './reasons.en.js';

/** Bahasa Indonesia. */
export const reasonsId: Record<keyof typeof reasonsEn, string> = {
  'reason.empty': 'berkas kosong',
  'reason.notFile': 'bukan berkas biasa',
  'reason.noSuchFile': 'berkas tidak ada',
  'reason.permissionDenied': 'izin ditolak',
  'reason.fileTooLarge': 'berkas berukuran {size} bita, melebihi batas {limit} bita',
  'reason.unknownFormat': 'bukan format gambar yang didukung',
  'reason.unsupportedFormat': 'format gambar "{format}" tidak didukung',
  'reason.unsupportedFormatUnnamed': 'format gambar tidak didukung',
  'reason.noSize': 'gambar {format} rusak: tidak memiliki ukuran',
  'reason.noSizeUnnamed': 'gambar rusak: tidak memiliki ukuran',
  'reason.tooManyPixels': 'gambar berukuran {width}x{height}, melebihi batas {limit} piksel',
  'reason.bomb': 'gambar memiliki terlalu banyak piksel (pelindung bom dekompresi)',
  'reason.corrupt': 'gambar {format} rusak atau terpotong',
  'reason.corruptUnnamed': 'gambar rusak atau terpotong',
  'reason.cannotDecode': 'gambar tidak dapat dibaca',
  'reason.heic': 'foto HEIC (HEVC) tidak dapat dibaca di sini; simpan dulu sebagai JPEG',
  'reason.bmpHeaderTruncated': 'header BMP terpotong',
  'reason.bmpHeaderUnsupported': 'header BMP tidak didukung (ukuran {size})',
  'reason.bmpSize': 'ukuran BMP tidak valid {width}x{height}',
  'reason.bmpCompressed': 'BMP terkompresi (kompresi {compression}) tidak didukung',
  'reason.bmpPaletteTruncated': 'palet BMP terpotong',
  'reason.bmpDepth': 'kedalaman bit BMP {depth} tidak didukung',
  'reason.bmpPixelsTruncated': 'data piksel BMP terpotong',
  'reason.bmpPaletteIndex': 'indeks palet BMP di luar jangkauan',
};
