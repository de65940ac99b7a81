#!/usr/bin/env node
// The package's `happysad` command: runs the compiled CLI when built, the TypeScript source through tsx otherwise.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

process.env.HAPPYSAD_CLI_MAIN = '1';
const compiled = new URL('../out/cli/happysad.js', import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else {
  register();
  await import(new URL('../cli/happysad.ts', import.meta.url).href);
}
