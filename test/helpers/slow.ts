/** Slow checks run in `npm test` and are skipped by `npm run test:fast` (HAPPYSAD_FAST=1). */
export const slow = { skip: process.env.HAPPYSAD_FAST === '1' ? 'slow: runs in npm test' : false } as const;
