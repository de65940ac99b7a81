/**
 * Why an image file cannot be used. The engine writes these in English (the CLI prints them, logs keep them,
 * results carry them as plain text); the app shows them in the user's language by matching the text back to
 * its template (reasons.ts). Templates must stay distinguishable: no two may match the same text.
 */
export const reasonsEn = {
  'reason.empty': 'the file is empty',
  'reason.notFile': 'not a regular file',
  'reason.noSuchFile': 'no such file',
  'reason.permissionDenied': 'permission denied',
  'reason.fileTooLarge': 'the file is {size} bytes, above the {limit}-byte limit',
  'reason.unknownFormat': 'not a supported image format',
  'reason.unsupportedFormat': 'unsupported image format "{format}"',
  'reason.unsupportedFormatUnnamed': 'unsupported image format',
  'reason.noSize': 'corrupt {format} image: it has no size',
  'reason.noSizeUnnamed': 'corrupt image: it has no size',
  'reason.tooManyPixels': 'image is {width}x{height}, above the {limit}-pixel limit',
  'reason.bomb': 'the image has too many pixels (decompression bomb guard)',
  'reason.corrupt': 'corrupt or truncated {format} image',
  'reason.corruptUnnamed': 'corrupt or truncated image',
  'reason.cannotDecode': 'cannot decode the image',
  'reason.heic': 'HEIC photos (HEVC) cannot be read here; save it as JPEG first',
  'reason.bmpHeaderTruncated': 'truncated BMP header',
  'reason.bmpHeaderUnsupported': 'unsupported BMP header (size {size})',
  'reason.bmpSize': 'invalid BMP size {width}x{height}',
  'reason.bmpCompressed': 'compressed BMP (compression {compression}) is not supported',
  'reason.bmpPaletteTruncated': 'truncated BMP palette',
  'reason.bmpDepth': 'unsupported BMP bit depth {depth}',
  'reason.bmpPixelsTruncated': 'truncated BMP pixel data',
  'reason.bmpPaletteIndex': 'BMP palette index out of range',
} as const;

export type ReasonKey = keyof typeof reasonsEn;
