/**
 * The command line, as data: each command's options with their meaning and default. Parsing, help text and
 * "did you mean" all come from these tables. Pure: no I/O, no engine.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BASE, DEFAULT_HYPERPARAMETERS, DEFAULT_SEED, DEFAULT_VALIDATION_SPLIT, LIMITS } from '../common/defaults.js';
import { MODEL_ID_PATTERN } from '../common/engine-contract.js';
import { BACKEND_KINDS, BASE_IDS, type BaseId } from '../common/engine-types.js';
import { LIBRARY_SORTS, REVIEW_STATES, type LibrarySort, type ReviewState } from '../common/library-types.js';
import type { Label } from '../common/labels.js';
import { expandTilde } from '../engine/paths.js';

export class UsageError extends Error {
  constructor(
    message: string,
    /** the command whose usage to point at */
    readonly command?: CommandName,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const COMMAND_NAMES = ['train', 'retrain', 'eval', 'predict', 'library', 'models'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

type Kind = 'int' | 'fraction' | 'number' | 'path' | 'string' | 'flag' | 'choice';

interface OptionSpec {
  kind: Kind;
  arg?: string;
  help: string;
  default?: string;
  choices?: readonly string[];
  short?: string;
  /** smallest allowed value (of a number: inclusive; without it, above 0) */
  min?: number;
  /** largest allowed value */
  max?: number;
}

const OPTIONS = {
  data: { kind: 'path', arg: 'DIR', help: 'dataset folder: train/ and validation/ (or happy/ and sad/), each with happy/ and sad/' },
  base: { kind: 'choice', arg: 'NAME', choices: BASE_IDS, help: 'frozen base network', default: DEFAULT_BASE },
  epochs: { kind: 'int', arg: 'N', ...LIMITS.epochs, help: 'most epochs of head training (early stopping usually ends sooner)', default: String(DEFAULT_HYPERPARAMETERS.epochs) },
  'batch-size': { kind: 'int', arg: 'N', ...LIMITS.batchSize, help: 'rows per training step', default: String(DEFAULT_HYPERPARAMETERS.batchSize) },
  'learning-rate': { kind: 'number', arg: 'F', ...LIMITS.learningRate, help: 'adam learning rate (halved on plateaus)', default: String(DEFAULT_HYPERPARAMETERS.learningRate) },
  seed: { kind: 'int', arg: 'N', ...LIMITS.seed, help: 'random seed: the same seed and data give the same model', default: String(DEFAULT_SEED) },
  'max-per-class': { kind: 'int', arg: 'N', min: 1, help: 'use only the first N training images of each class (by name)', default: 'all' },
  'validation-split': { kind: 'fraction', arg: 'F', help: 'share of each class held out when there is no validation/ folder', default: String(DEFAULT_VALIDATION_SPLIT) },
  'base-url': { kind: 'string', arg: 'URL', help: 'with --base mobilenet-v2: where to download it from (a tfjs model.json)', default: 'the public TF.js copy' },
  'base-dir': { kind: 'path', arg: 'DIR', help: 'with --base mobilenet-v2: import it from a folder instead of downloading' },
  use: { kind: 'flag', help: 'make the new (or imported) model current whatever the figures say' },
  model: { kind: 'string', arg: 'ID', help: 'a model id, "current" or "zero-shot"', default: 'current' },
  report: { kind: 'path', arg: 'DIR', help: 'also write a self-contained HTML report into DIR (report-<model>.html; numbered, never replacing one there)' },
  recursive: { kind: 'flag', help: 'also take images in subfolders of a folder' },
  save: { kind: 'flag', help: 'keep every judged image in the library (<home>/library), to review and retrain with' },
  library: { kind: 'flag', help: "retrain with collected data: the current model's training data plus the library's reviewed images" },
  'include-unreviewed': { kind: 'flag', help: 'with --library: also train on unreviewed images, labelled as the model judged them' },
  'min-confidence': { kind: 'number', arg: 'F', ...LIMITS.minConfidence, help: 'with --include-unreviewed: only unreviewed images the model was at least this sure of', default: '0.9' },
  'dry-run': { kind: 'flag', help: 'with --library: only show how many images of each kind it would use' },
  label: { kind: 'choice', arg: 'LABEL', choices: ['happy', 'sad'], help: 'list: only images with this label; correct: the label they get', default: 'list: all; correct: the other one' },
  review: { kind: 'choice', arg: 'STATE', choices: REVIEW_STATES, help: 'list: only images in this review state', default: 'all' },
  sort: { kind: 'choice', arg: 'ORDER', choices: LIBRARY_SORTS, help: 'list: order (least-sure: the ones worth reviewing first)', default: 'newest' },
  limit: { kind: 'int', arg: 'N', ...LIMITS.listLimit, help: 'list: show at most N images', default: 'all' },
  home: { kind: 'path', arg: 'DIR', help: 'data folder (models, caches)', default: 'HAPPYSAD_HOME, else the desktop app\'s folder' },
  backend: { kind: 'choice', arg: 'NAME', choices: BACKEND_KINDS, help: 'force a backend instead of the best available', default: 'best available' },
  json: { kind: 'flag', help: 'print one JSON object on stdout (always, errors included); progress goes to stderr' },
  verbose: { kind: 'flag', help: 'more detail: every backend tried and why it was skipped' },
  help: { kind: 'flag', short: 'h', help: 'show help' },
  version: { kind: 'flag', help: 'print the version' },
} as const satisfies Record<string, OptionSpec>;
type OptionName = keyof typeof OPTIONS;

const COMMON: readonly OptionName[] = ['home', 'backend', 'json', 'verbose', 'help'];

interface CommandSpec {
  synopsis: string;
  summary: string;
  options: readonly OptionName[];
  /** this command's own defaults where they are not the option's (a retrain takes its starting model's) */
  defaults?: Partial<Record<OptionName, string>>;
}

const TRAINING: readonly OptionName[] = ['epochs', 'batch-size', 'learning-rate', 'seed', 'max-per-class', 'validation-split', 'use'];

export const COMMANDS: Record<CommandName, CommandSpec> = {
  train: {
    synopsis: 'happysad train --data DIR [options]',
    summary: 'train a new model on a dataset folder; it becomes current when it is at least as good as the current one',
    options: ['data', 'base', ...TRAINING, 'base-url', 'base-dir'],
  },
  retrain: {
    synopsis: 'happysad retrain --data DIR [--model ID] [options] | retrain --library [--include-unreviewed [--min-confidence F]] [--dry-run]',
    summary: 'continue training from a saved model (default: the current one) on a dataset folder, with its seed and (on its own folder) its validation share and per-class cap unless given; --library: with collected data (the library\'s reviewed images)',
    options: ['data', 'model', ...TRAINING, 'library', 'include-unreviewed', 'min-confidence', 'dry-run'],
    defaults: { seed: "the starting model's", 'validation-split': `the starting model's on its own folder, else ${DEFAULT_VALIDATION_SPLIT}`, 'max-per-class': "the starting model's on its own folder, else all" },
  },
  eval: {
    synopsis: 'happysad eval [--data DIR] [--model ID] [--report DIR]',
    summary: "accuracy, loss, confusion matrix, per-class figures, ROC and calibration of a model on labelled images (without --data: on the model's own validation images)",
    options: ['data', 'model', 'report'],
  },
  predict: {
    synopsis: 'happysad predict IMAGE_OR_FOLDER... [--model ID] [--recursive] [--save]',
    summary: 'judge images: one line (or JSON entry) per image',
    options: ['model', 'recursive', 'save'],
  },
  library: {
    synopsis: 'happysad library list [--label L] [--review S] [--sort O] [--limit N] | library confirm|delete IMAGE... | library correct IMAGE... [--label L] | library undo',
    summary: 'the saved predictions: list them, confirm or correct their labels, delete them, undo the last of these',
    options: ['label', 'review', 'sort', 'limit'],
  },
  models: {
    synopsis: 'happysad models list | models use ID | models delete ID | models import DIR [--use]',
    summary: 'the saved model versions: list them, choose the current one, delete one (never the current one), import one exported elsewhere (the happysad-model-<id> folder)',
    options: ['use'],
  },
};

export const LIBRARY_ACTIONS = ['list', 'confirm', 'correct', 'delete', 'undo'] as const;
export const MODELS_ACTIONS = ['list', 'use', 'delete', 'import'] as const;

export interface Common {
  home?: string;
  backend?: string;
  json: boolean;
  verbose: boolean;
}

export interface TrainCommand {
  command: 'train' | 'retrain';
  data: string;
  base?: BaseId;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  maxPerClass?: number;
  validationSplit?: number;
  model?: string;
  baseUrl?: string;
  baseDir?: string;
  use: boolean;
  common: Common;
}

export type Command =
  | { command: 'help'; topic?: CommandName; exitCode: 0 | 2 }
  | { command: 'version'; common: Common }
  | TrainCommand
  | { command: 'eval'; data?: string; model?: string; report?: string; common: Common }
  | { command: 'predict'; inputs: string[]; model?: string; recursive: boolean; save?: true; common: Common }
  | LibraryCommand
  | ModelsCommand
  | LibraryRetrainCommand;

export type LibraryCommand =
  | { command: 'library'; action: 'list'; label?: Label; review?: ReviewState; sort?: LibrarySort; limit?: number; common: Common }
  | { command: 'library'; action: 'confirm' | 'correct' | 'delete'; images: string[]; label?: Label; common: Common }
  | { command: 'library'; action: 'undo'; common: Common };

export type ModelsCommand =
  | { command: 'models'; action: 'list'; common: Common }
  | { command: 'models'; action: 'use' | 'delete'; id: string; common: Common }
  | { command: 'models'; action: 'import'; dir: string; use: boolean; common: Common };

export interface LibraryRetrainCommand {
  command: 'retrain-library';
  includeUnreviewed: boolean;
  minConfidence?: number;
  epochs?: number;
  use: boolean;
  dryRun: boolean;
  common: Common;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

export function didYouMean(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = distance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

function optionList(names: readonly OptionName[], defaults: Partial<Record<OptionName, string>> = {}): string[] {
  return names.map((n) => {
    const o: OptionSpec = OPTIONS[n];
    const flag = `${'short' in o && o.short ? `-${o.short}, ` : '    '}--${n}${o.arg ? ` ${o.arg}` : ''}`;
    const choices = o.choices ? ` (${o.choices.join(', ')})` : '';
    const range = o.max !== undefined ? ` (${o.min ?? '>0'}..${o.max})` : '';
    const shown = defaults[n] ?? o.default;
    const def = shown !== undefined ? ` [default: ${shown}]` : '';
    return `  ${flag.padEnd(28)} ${o.help}${choices}${range}${def}`;
  });
}

export function usage(topic?: CommandName): string {
  if (topic) {
    const c = COMMANDS[topic];
    return [`Usage: ${c.synopsis}`, '', `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`, '', 'Options:', ...optionList(c.options, c.defaults), '', 'Common options:', ...optionList(COMMON)].join('\n');
  }
  return [
    'Usage: happysad <command> [options]',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((n) => `  ${n.padEnd(9)} ${COMMANDS[n].summary}`),
    '',
    'Common options:',
    ...optionList([...COMMON, 'version']),
    '',
    'Run "happysad help COMMAND" or "happysad COMMAND --help" for a command\'s options and their defaults.',
    'Exit codes: 0 success, 1 the asked-for result is missing (an image that failed, no model saved),',
    '            2 bad usage or an unusable data folder, 130 cancelled with Ctrl-C (nothing is saved then).',
  ].join('\n');
}

/** "~" and "~/x" mean the user's home folder, as a shell would expand them (also in --opt=~/x). */
export function expandPath(p: string, cwd: string, home: string = homedir()): string {
  const expanded = expandTilde(p, home);
  return isAbsolute(expanded) ? expanded : resolve(cwd, expanded);
}

function number(name: string, v: string, spec: OptionSpec, command: CommandName): number {
  const { min, max } = spec;
  if (spec.kind === 'int') {
    const lo = min ?? 0;
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < lo || (max !== undefined && n > max)) {
      throw new UsageError(`--${name} takes a whole number ${max !== undefined ? `from ${lo} to ${max}` : `of at least ${lo}`}, not "${v}"`, command);
    }
    return n;
  }
  const n = Number(v);
  if (spec.kind === 'fraction' && !(n > 0 && n < 1)) throw new UsageError(`--${name} takes a fraction between 0 and 1 (e.g. 0.2), not "${v}"`, command);
  if (spec.kind === 'number') {
    const inRange = Number.isFinite(n) && (min !== undefined ? n >= min : n > 0) && (max === undefined || n <= max);
    if (!inRange) {
      const range = min !== undefined ? `from ${min} to ${max}` : max !== undefined ? `above 0, at most ${max}` : 'above 0';
      throw new UsageError(`--${name} takes a number ${range} (e.g. ${spec.default ?? '0.001'}), not "${v}"`, command);
    }
  }
  return n;
}

/**
 * Pure: argv (after the program name) -> a validated command, or a UsageError. Paths are resolved against
 * `cwd` (the folder the user typed the command in) with "~" expanded.
 */
export function parseCommand(argv: string[], cwd: string = process.cwd()): Command {
  const names = Object.keys(OPTIONS) as OptionName[];
  // "--opt -5": node's parser takes -5 for an option; after an option that needs a value, it is the value
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const n = names.find((x) => argv[i] === `--${x}` && OPTIONS[x].kind !== 'flag');
    if (n && /^-\d/.test(argv[i + 1] ?? '')) args.push(`--${n}=${argv[++i]}`);
    else args.push(argv[i]!);
  }
  const config = Object.fromEntries(
    names.map((n) => {
      const o: OptionSpec = OPTIONS[n];
      return [n, { type: o.kind === 'flag' ? 'boolean' : 'string', ...(o.short && { short: o.short }) }];
    }),
  ) as Record<OptionName, { type: 'string' | 'boolean'; short?: string }>;
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof config; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const opt = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1] ?? '';
    // the help to point at: the command's, the first argument that names one (an option's value may come first)
    const about = argv.find((a): a is CommandName => (COMMAND_NAMES as readonly string[]).includes(a));
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const guess = didYouMean(opt.replace(/^-+/, ''), names);
      throw new UsageError(`unknown option ${opt}${guess ? `; did you mean --${guess}?` : ''}`, about);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = opt.replace(/^-+/, '') as OptionName;
      const spec: OptionSpec | undefined = OPTIONS[name];
      throw new UsageError(spec?.kind === 'flag' ? `${opt} takes no value` : `${opt} needs a value${spec?.arg ? ` (${spec.arg})` : ''}`, about);
    }
    throw new UsageError(e.message.replace(/^TypeError \[[A-Z_]+\]: /, ''), about);
  }
  const v = parsed.values as Partial<Record<OptionName, string | boolean>>;
  const [first, ...rest] = parsed.positionals;

  if (v.version) return { command: 'version', common: { json: v.json === true, verbose: false } };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { command: 'help', exitCode: 0 };
    if (!(COMMAND_NAMES as readonly string[]).includes(topic)) throw unknownCommand(topic);
    return { command: 'help', topic: topic as CommandName, exitCode: 0 };
  }
  if (first === undefined) return { command: 'help', exitCode: v.help ? 0 : 2 };
  if (!(COMMAND_NAMES as readonly string[]).includes(first)) throw unknownCommand(first);
  const command = first as CommandName;
  if (v.help) return { command: 'help', topic: command, exitCode: 0 };

  const allowed = new Set<OptionName>([...COMMANDS[command].options, ...COMMON]);
  for (const [k, val] of Object.entries(v) as Array<[OptionName, string | boolean | undefined]>) {
    if (val === undefined) continue;
    if (!allowed.has(k)) throw new UsageError(`--${k} does not apply to "${command}"`, command);
    if (typeof val === 'string' && val.trim() === '') throw new UsageError(`--${k} needs a value; it was given an empty one`, command);
  }
  const str = (k: OptionName) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const path = (k: OptionName) => (str(k) === undefined ? undefined : expandPath(str(k)!, cwd));
  const choice = (k: OptionName) => {
    const val = str(k);
    const choices = (OPTIONS[k] as OptionSpec).choices!;
    if (val !== undefined && !choices.includes(val)) {
      const guess = didYouMean(val, choices);
      throw new UsageError(`--${k} must be one of ${choices.join(', ')}, not "${val}"${guess ? `; did you mean ${guess}?` : ''}`, command);
    }
    return val;
  };
  const num = (k: OptionName) => (str(k) === undefined ? undefined : number(k, str(k)!, OPTIONS[k], command));
  // a --model that cannot name a model is bad usage (exit 2), as "models use" says it; a well-formed id that is
  // not there is a missing result (exit 1), said by the engine
  const model = () => {
    const id = str('model');
    if (id !== undefined && id !== 'current' && id !== 'zero-shot' && !MODEL_ID_PATTERN.test(id)) {
      throw new UsageError(`--model takes a model id (they look like 20261128-101530-ab12), "current" or "zero-shot", not "${id}" (see "happysad models list")`, command);
    }
    return id;
  };

  const common: Common = { json: v.json === true, verbose: v.verbose === true };
  const home = path('home');
  if (home) common.home = home;
  const backend = choice('backend');
  if (backend) common.backend = backend;

  if (command === 'predict') {
    if (rest.length === 0) throw new UsageError('predict needs at least one image or folder', command);
    if (rest.some((p) => p === '')) throw new UsageError('predict was given an empty path; name an image or folder (use . for this folder)', command);
    return { command, inputs: rest.map((p) => expandPath(p, cwd)), ...(model() && { model: model()! }), recursive: v.recursive === true, ...(v.save === true && { save: true as const }), common };
  }
  if (command === 'library') return libraryCommand(rest, choice('label') as Label | undefined, { review: choice('review') as ReviewState | undefined, sort: choice('sort') as LibrarySort | undefined, limit: num('limit') }, common, cwd);
  if (command === 'models') return modelsCommand(rest, v.use === true, common, cwd);
  if (command === 'retrain' && v.library === true) {
    for (const k of ['data', 'model', 'batch-size', 'learning-rate', 'seed', 'max-per-class', 'validation-split'] as const) {
      if (v[k] !== undefined) throw new UsageError(`--${k} does not apply to "retrain --library": it retrains the current model with its own training data and settings`, command);
    }
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, command);
    const minConfidence = num('min-confidence');
    if (minConfidence !== undefined && v['include-unreviewed'] !== true) throw new UsageError('--min-confidence only applies with --include-unreviewed', command);
    const epochs = num('epochs');
    return {
      command: 'retrain-library',
      includeUnreviewed: v['include-unreviewed'] === true,
      ...(minConfidence !== undefined && { minConfidence }),
      ...(epochs !== undefined && { epochs }),
      use: v.use === true,
      dryRun: v['dry-run'] === true,
      common,
    };
  }
  for (const k of ['include-unreviewed', 'min-confidence', 'dry-run'] as const) {
    if (v[k] !== undefined) throw new UsageError(`--${k} only applies with --library`, command);
  }
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"${rest[0]!.startsWith('-') ? '' : ' (options start with --)'}`, command);
  const data = path('data');
  if (command === 'eval') return { command, ...(data && { data }), ...(model() && { model: model()! }), ...(path('report') && { report: path('report')! }), common };
  if (!data) throw new UsageError(`${command} needs --data DIR`, command);

  const base = choice('base') as BaseId | undefined;
  if ((str('base-url') !== undefined || str('base-dir') !== undefined) && base !== 'mobilenet-v2') {
    throw new UsageError(`--${str('base-url') !== undefined ? 'base-url' : 'base-dir'} only applies with --base mobilenet-v2`, command);
  }
  const out: TrainCommand = { command, data, use: v.use === true, common };
  const set = <K extends keyof TrainCommand>(k: K, val: TrainCommand[K] | undefined) => {
    if (val !== undefined) out[k] = val;
  };
  set('base', base);
  set('epochs', num('epochs'));
  set('batchSize', num('batch-size'));
  set('learningRate', num('learning-rate'));
  set('seed', num('seed'));
  set('maxPerClass', num('max-per-class'));
  set('validationSplit', num('validation-split'));
  set('model', model());
  set('baseUrl', str('base-url'));
  set('baseDir', path('base-dir'));
  return out;
}

function libraryCommand(rest: string[], label: Label | undefined, list: { review: ReviewState | undefined; sort: LibrarySort | undefined; limit: number | undefined }, common: Common, cwd: string): LibraryCommand {
  const [action, ...images] = rest;
  if (action === undefined) throw new UsageError(`library needs an action: ${LIBRARY_ACTIONS.join(', ')}`, 'library');
  if (!(LIBRARY_ACTIONS as readonly string[]).includes(action)) {
    const guess = didYouMean(action, LIBRARY_ACTIONS);
    throw new UsageError(`unknown library action "${action}"${guess ? `; did you mean "${guess}"?` : ` (actions: ${LIBRARY_ACTIONS.join(', ')})`}`, 'library');
  }
  const listOnly = Object.entries(list).find(([, val]) => val !== undefined)?.[0];
  if (action !== 'list' && listOnly) throw new UsageError(`--${listOnly} only applies to "library list"`, 'library');
  if (action === 'list' || action === 'undo') {
    if (images.length) throw new UsageError(`unexpected argument "${images[0]}"`, 'library');
    if (action === 'undo') {
      if (label) throw new UsageError('--label does not apply to "library undo"', 'library');
      return { command: 'library', action, common };
    }
    return { command: 'library', action, ...(label && { label }), ...(list.review && { review: list.review }), ...(list.sort && { sort: list.sort }), ...(list.limit !== undefined && { limit: list.limit }), common };
  }
  if (images.length === 0) throw new UsageError(`library ${action} needs at least one image: its id (or the first 6+ characters of it), or its file in the library`, 'library');
  if (label && action !== 'correct') throw new UsageError(`--label does not apply to "library ${action}"`, 'library');
  // an id or id prefix stays as it is; anything else is a file path
  const refs = images.map((x) => (/^[0-9a-f]{6,64}$/.test(x) ? x : expandPath(x, cwd)));
  return { command: 'library', action: action as 'confirm' | 'correct' | 'delete', images: refs, ...(label && { label }), common };
}

function modelsCommand(rest: string[], use: boolean, common: Common, cwd: string): ModelsCommand {
  const [action, id, extra] = rest;
  if (action === undefined) throw new UsageError(`models needs an action: ${MODELS_ACTIONS.join(', ')}`, 'models');
  if (!(MODELS_ACTIONS as readonly string[]).includes(action)) {
    const guess = didYouMean(action, MODELS_ACTIONS);
    throw new UsageError(`unknown models action "${action}"${guess ? `; did you mean "${guess}"?` : ` (actions: ${MODELS_ACTIONS.join(', ')})`}`, 'models');
  }
  if (use && action !== 'import') throw new UsageError(`--use does not apply to "models ${action}"${action === 'use' ? '' : ' (it goes with "models import")'}`, 'models');
  if (action === 'import') {
    if (id === undefined || id === '') throw new UsageError('models import needs the folder of an exported model (happysad-model-<id>)', 'models');
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, 'models');
    return { command: 'models', action, dir: expandPath(id, cwd), use, common };
  }
  if (action === 'list') {
    if (id !== undefined) throw new UsageError(`unexpected argument "${id}"`, 'models');
    return { command: 'models', action, common };
  }
  if (id === undefined) throw new UsageError(`models ${action} needs a model id (see "happysad models list")`, 'models');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, 'models');
  if (id === 'current' || id === 'zero-shot') {
    throw new UsageError(`models ${action} takes a model's id, not "${id}" (see "happysad models list"${action === 'delete' ? '; the current model cannot be deleted: make another one current first' : ''})`, 'models');
  }
  if (!MODEL_ID_PATTERN.test(id)) throw new UsageError(`"${id}" is not a model id (they look like 20261128-101530-ab12; see "happysad models list")`, 'models');
  return { command: 'models', action: action as 'use' | 'delete', id, common };
}

function unknownCommand(word: string): UsageError {
  const guess = didYouMean(word, COMMAND_NAMES);
  return new UsageError(`unknown command "${word}"${guess ? `; did you mean "${guess}"?` : ` (commands: ${COMMAND_NAMES.join(', ')})`}`);
}
