import { createRequire } from 'node:module';

/** The app's version, read from package.json so that it is written in one place. */
export const APP_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
