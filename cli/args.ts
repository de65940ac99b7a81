import { parseArgs } from 'node:util';
import { BASE_IDS, type BaseId } from '../common/engine-types.js';

export class UsageError extends Error {}

export const USAGE = `Usage: happysad <command> [options]

Commands:
  train   --data DIR [--base face-expression|mobilenet-v2] [--epochs N] [--batch-size N] [--seed N]
          [--max-per-class N] [--validation-split F] [--base-url URL] [--base-dir DIR]
  retrain --data DIR [--model ID] [--epochs N] ...   continue from a saved model (default: current)
  eval    --data DIR [--model ID]                    DIR holds happy/ and sad/, or train/ and validation/
  predict IMAGE_OR_FOLDER... [--model ID]

Common options:
  --home DIR   data folder (models, caches); default: HAPPYSAD_HOME or the desktop app's folder
  --backend B  force a backend: wasm, cpu, native-cpu, gpu
  --json       print one JSON object as the last line of stdout
  -h, --help   show this help

Exit codes: 0 success, 1 an input failed, 2 bad usage, 130 cancelled with Ctrl-C.`;

export type Command =
  | { command: 'help' }
  | { command: 'train' | 'retrain'; data: string; base?: BaseId; epochs?: number; batchSize?: number; seed?: number; maxPerClass?: number; validationSplit?: number; model?: string; baseUrl?: string; baseDir?: string; common: Common }
  | { command: 'eval'; data: string; model?: string; common: Common }
  | { command: 'predict'; inputs: string[]; model?: string; common: Common };

export interface Common {
  home?: string;
  backend?: string;
  json: boolean;
}

const OPTIONS = {
  data: { type: 'string' },
  base: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  'max-per-class': { type: 'string' },
  'validation-split': { type: 'string' },
  'base-url': { type: 'string' },
  'base-dir': { type: 'string' },
  model: { type: 'string' },
  home: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  train: ['data', 'base', 'epochs', 'batch-size', 'seed', 'max-per-class', 'validation-split', 'base-url', 'base-dir'],
  retrain: ['data', 'model', 'epochs', 'batch-size', 'seed', 'max-per-class', 'validation-split'],
  eval: ['data', 'model'],
  predict: ['model'],
};

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} takes a whole number >= ${min}, not "${v}"`);
  return Number(v);
}

/** Pure: argv (after the program name) -> a validated command, or a UsageError. */
export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help || command === undefined || command === 'help') return { command: 'help' };
  if (!(command in ALLOWED)) throw new UsageError(`unknown command "${command}" (expected train, retrain, eval or predict)`);
  const allowed = new Set([...ALLOWED[command]!, 'home', 'backend', 'json', 'help']);
  for (const [k, val] of Object.entries(v)) {
    if (val !== undefined && val !== false && !allowed.has(k)) throw new UsageError(`--${k} does not apply to "${command}"`);
  }
  if (v.backend !== undefined && !['gpu', 'native-cpu', 'wasm', 'cpu'].includes(v.backend)) {
    throw new UsageError(`--backend must be one of gpu, native-cpu, wasm, cpu, not "${v.backend}"`);
  }
  const common: Common = { json: v.json ?? false, ...(v.home && { home: v.home }), ...(v.backend && { backend: v.backend }) };
  if (command === 'predict') {
    if (rest.length === 0) throw new UsageError('predict needs at least one image or folder');
    return { command, inputs: rest, ...(v.model && { model: v.model }), common };
  }
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!v.data) throw new UsageError(`${command} needs --data DIR`);
  if (command === 'eval') return { command, data: v.data, ...(v.model && { model: v.model }), common };
  if (v.base !== undefined && !BASE_IDS.includes(v.base as BaseId)) throw new UsageError(`--base must be one of ${BASE_IDS.join(', ')}, not "${v.base}"`);
  const split = v['validation-split'];
  if (split !== undefined && !(Number(split) > 0 && Number(split) < 1)) throw new UsageError(`--validation-split takes a fraction between 0 and 1, not "${split}"`);
  const out: Command = { command: command as 'train' | 'retrain', data: v.data, common };
  const set = <K extends keyof typeof out>(k: K, val: (typeof out)[K] | undefined) => {
    if (val !== undefined) out[k] = val;
  };
  set('base', v.base as BaseId | undefined);
  set('epochs', int('epochs', v.epochs, 1));
  set('batchSize', int('batch-size', v['batch-size'], 1));
  set('seed', int('seed', v.seed, 0));
  set('maxPerClass', int('max-per-class', v['max-per-class'], 1));
  set('validationSplit', split === undefined ? undefined : Number(split));
  set('model', v.model);
  set('baseUrl', v['base-url']);
  set('baseDir', v['base-dir']);
  return out;
}
