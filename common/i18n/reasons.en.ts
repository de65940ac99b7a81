/**
 * The engine's reasons: why an image file cannot be used, and the plain ones for a model made current or not
 * (the sentences that quote figures the app words itself from the stored figures: promotion.ts). The engine
 * writes these in English (the CLI prints them, logs keep them, results carry them as plain text); the app shows them in the user's language by matching the text back to
 * its template (reasons.ts). The first template that matches a text wins: one that another would also match
 * comes before it.
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
  'reason.heic': 'a HEIC photo (HEVC) cannot be read here; save it as JPEG first',
  'reason.couldNotBeRead': 'could not be read',
  'reason.noSuchFileOrFolder': 'no such file or folder',
  'reason.folderPermission': 'cannot read this folder (permission denied)',
  'reason.folderUnreadable': 'cannot read this folder ({code})',
  'reason.noImagesInFolder': 'no images in this folder',
  'reason.noImagesBelow': 'no images in this folder or its subfolders',
  'reason.linkAbove': 'a link back to a folder above it',
  'reason.folderReadTwice': 'a folder already read (through another link)',
  'reason.brokenLink': 'a link to nothing (broken symbolic link)',
  // before notImageFile, whose template would also match this text
  'reason.notImageFileNoExtension': 'not an image file (no extension)',
  'reason.notImageFile': 'not an image file ({extension})',
  'reason.diskReadOnly': 'the disk is read-only',
  'reason.diskFull': 'the disk is full',
  'reason.diskQuota': 'the disk quota is used up',
  'reason.pathNotFolder': 'part of the path is a file, not a folder',
  'reason.pathTooLong': 'the path is too long',
  'reason.firstModel': 'no model was current before',
  'reason.firstModelAsked': 'made current as asked; no model was current before',
  'reason.madeCurrent': 'made current',
  'reason.keptCandidate': 'kept as a candidate',
  'reason.noValidationImages': 'there are no validation images',
  'reason.validationNoHappy': 'validation has no happy image',
  'reason.validationNoSad': 'validation has no sad image',
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
