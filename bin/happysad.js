#!/usr/bin/env node
// The package's `happysad` command. Runs the compiled CLI (out/cli: `npm run build:cli`, which `npm install`
// runs as the package's prepare step); only in a source checkout without it, the TypeScript source through tsx.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Node 22+ keeps V8's compiled code of the CLI, the engine and TensorFlow.js on disk between runs; the engine
// worker (another Node instance) takes the setting from the environment.
if (module.enableCompileCache) {
  process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'node-compile-cache');
  module.enableCompileCache(process.env.NODE_COMPILE_CACHE);
}
process.env.HAPPYSAD_CLI_MAIN = '1';
const compiled = new URL('../out/cli/happysad.js', import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../cli/happysad.ts', import.meta.url).href);
}
