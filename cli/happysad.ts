/**
 * happysad: the desktop app's engine without a window. Runs the same worker as the app, in the same data
 * folder by default, so models trained here show up there.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EngineParams } from '../common/engine-contract.js';
import { EngineError, isCancelled, toFailure, type Failure } from '../common/errors.js';
import type { DataFolderState } from '../engine/data-folder.js';
import type { WorkerConfig } from '../engine/host.js';
import { defaultHome } from '../engine/paths.js';
import { APP_VERSION } from '../engine/version.js';
import { COMMAND_NAMES, parseCommand, usage, UsageError, type Command, type TrainCommand } from './args.js';
import { runLibrary, runLibraryRetrain, runModels, writesDataFolder } from './library-commands.js';
import type { ProgressPrinter } from './progress.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Set once stdout's reader has gone (`happysad predict DIR | head`, a closed terminal): nothing more is worth
 * saying; or stderr's alone (`2>&1 | head`, `2>(head)`): the progress is for nobody.
 */
const gone = { out: false, err: false };
const stdio: Io = { out: (l) => void (gone.out || process.stdout.write(l + '\n')), err: (l) => void (gone.out || gone.err || process.stderr.write(l + '\n')) };

export interface RunOptions {
  signal?: AbortSignal;
  /** the folder relative paths are taken from; `npm run` sets INIT_CWD to the user's folder */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Exit codes: 0 success, 1 the asked-for result is missing, 2 bad usage or unusable data folder, 130 cancelled (143, 129: by SIGTERM, SIGHUP). */
export async function run(argv: string[], io: Io = stdio, opts: RunOptions = {}): Promise<number> {
  const code = await runCommand(argv, io, opts);
  // Ctrl-C while the work was ending (a model being saved is not half cancelled): what was done stands; say so
  if (opts.signal?.aborted && code !== 130) io.err(`happysad: too late to cancel: it had already ${code === 0 ? 'finished' : 'ended'}, as shown above`);
  return code;
}

async function runCommand(argv: string[], io: Io, opts: RunOptions): Promise<number> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? env.INIT_CWD ?? process.cwd();
  const wantsJson = argv.includes('--json');
  // With --json every run ends with exactly one JSON object on stdout, failures included.
  const fail = (code: number, failure: Failure, hint?: string): number => {
    if (wantsJson) io.out(JSON.stringify({ error: failure }));
    io.err(`happysad: ${failure.message}`);
    if (hint) io.err(hint);
    return code;
  };

  let cmd: Command;
  try {
    cmd = parseCommand(argv, cwd);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return fail(2, { code: 'bad-input', message: err.message }, `Run "happysad help${err.command ? ` ${err.command}` : ''}" for usage.`);
  }
  if (cmd.command === 'help') {
    if (cmd.exitCode === 0) io.out(usage(cmd.topic));
    else if (wantsJson) return fail(2, { code: 'bad-input', message: `no command given (${COMMAND_NAMES.join(', ')})` });
    else io.err(usage());
    return cmd.exitCode;
  }
  if (cmd.command === 'version') {
    io.out(cmd.common.json ? JSON.stringify({ version: APP_VERSION }) : `happysad ${APP_VERSION}`);
    return 0;
  }

  const home = cmd.common.home ?? defaultHome(undefined, env);
  // Only the commands that need the engine load it, and its worker starts right away: TensorFlow.js loads in
  // that thread while this one checks the data folder and loads what prints the results.
  const [{ EngineHost }, { checkDataFolder }, { assetsDir }] = await Promise.all([import('../engine/host.js'), import('../engine/data-folder.js'), import('../engine/paths.js')]);
  const folder: Promise<DataFolderState> = checkDataFolder(home);
  const config: Promise<WorkerConfig> = folder.then((state) => ({
    home,
    assetsDir: assetsDir(),
    ...(cmd.common.backend && { backend: cmd.common.backend }),
    ...(!state.writable && { readOnly: true }),
    ...engineTuning(env),
  }));
  const host = new EngineHost(config);
  const started = host.start();
  started.catch(() => undefined);
  try {
    const state = await folder;
    if (!state.writable) {
      if (cmd.command === 'train' || cmd.command === 'retrain') {
        await host.dispose();
        return fail(2, { code: 'bad-input', message: `the data folder ${home} cannot be written (${state.reason}), so a trained model could not be saved`, file: home }, 'Choose another one with --home DIR or HAPPYSAD_HOME.');
      }
      if (writesDataFolder(cmd)) {
        await host.dispose();
        return fail(2, { code: 'bad-input', message: `the data folder ${home} cannot be written (${state.reason}), so this cannot be done`, file: home }, 'Choose another one with --home DIR or HAPPYSAD_HOME.');
      }
      io.err(`Note: the data folder ${home} cannot be written (${state.reason}); results are not cached.`);
    }
  } catch (err) {
    await host.dispose();
    return fail(2, toFailure(err), 'Choose another one with --home DIR or HAPPYSAD_HOME.');
  }

  const [{ backendLine, evalSummary, predictLines, trainSummary }, { ProgressPrinter: Printer }] = await Promise.all([import('./format.js'), import('./progress.js')]);
  const printer: ProgressPrinter = new Printer((l) => io.err(l));
  const callOpts = { onProgress: (e: Parameters<ProgressPrinter['handle']>[0]) => printer.handle(e), ...(opts.signal && { signal: opts.signal }) };
  try {
    const backend = await started.catch((err: unknown) => {
      throw backendFailure(err, cmd.common.backend);
    });
    io.err(backendLine(backend, cmd.common.verbose));
    if (cmd.common.verbose) io.err(`Data folder: ${home}`);
    switch (cmd.command) {
      case 'train':
      case 'retrain': {
        const r = await host.call('train', trainParams(cmd), callOpts);
        if (cmd.common.json) {
          const { modelId, backend, seconds, epochs, best, history, dataset, failed, validation, secondLook, promotion, warnings } = r;
          io.out(JSON.stringify({ modelId, backend, seconds, epochs, best, history, dataset, failed, validation, ...(secondLook && { secondLook }), promotion, warnings }));
        }
        else io.out(trainSummary(r));
        return 0;
      }
      case 'eval': {
        const r = await host.call('evaluate', { ...(cmd.data && { data: cmd.data }), ...(cmd.model && { model: cmd.model }), ...(cmd.report && { report: cmd.report }) }, callOpts);
        io.out(cmd.common.json ? JSON.stringify(r) : evalSummary(r));
        if (r.report && cmd.common.json) io.err(`Report: ${r.report}`);
        if (r.reportError) {
          io.err(`happysad: ${r.reportError}`);
          return 1;
        }
        return 0;
      }
      case 'predict': {
        const r = await host.call('predict', { inputs: cmd.inputs, ...(cmd.model && { model: cmd.model }), ...(cmd.recursive && { recursive: true }), ...(cmd.save && { save: true }) }, callOpts);
        if (cmd.common.json) {
          // stdout is for the JSON: the failures are also said on stderr, once, for whoever watches
          for (const p of r.results) if ('error' in p) io.err(`happysad: ${p.file}: ${p.error}`);
          io.out(JSON.stringify({ results: r.results, modelId: r.modelId, backend: r.backend, ...(r.library && { library: r.library }) }));
        } else io.out(predictLines(r));
        if (r.library) {
          io.err(`Saved to the library: ${r.library.saved} new, ${r.library.seenBefore} seen before${r.library.failed.length ? `, ${r.library.failed.length} could not be saved` : ''}.`);
          for (const f of r.library.failed) io.err(`happysad: not saved: ${f.file}: ${f.reason}`);
        }
        return r.results.some((p) => 'error' in p) || (r.library?.failed.length ?? 0) > 0 ? 1 : 0;
      }
      case 'library':
        return await runLibrary(host, cmd, io, callOpts);
      case 'models':
        return await runModels(host, cmd, io, callOpts);
      case 'retrain-library':
        return await runLibraryRetrain(host, cmd, io, callOpts);
    }
  } catch (err) {
    if (isCancelled(err)) return fail(130, { code: 'cancelled', message: 'cancelled; nothing was saved' });
    const failure = toFailure(err);
    return fail(failure.code === 'bad-input' && /^the data folder/.test(failure.message) ? 2 : 1, failure);
  } finally {
    await host.dispose();
  }
}

/**
 * Settings of the engine's performance that have no option of their own: HAPPYSAD_EMBED_WORKERS (embedding
 * workers; 0 for none) and HAPPYSAD_CACHE_MB (bound of the embedding cache).
 */
function engineTuning(env: NodeJS.ProcessEnv): Pick<WorkerConfig, 'embedWorkers' | 'cacheMaxBytes'> {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : undefined);
  const workers = int(env.HAPPYSAD_EMBED_WORKERS);
  const cacheMb = int(env.HAPPYSAD_CACHE_MB);
  return { ...(workers !== undefined && { embedWorkers: workers }), ...(cacheMb !== undefined && { cacheMaxBytes: cacheMb * 2 ** 20 }) };
}

function trainParams(cmd: TrainCommand): EngineParams<'train'> {
  return {
    data: cmd.data,
    ...(cmd.base && { base: cmd.base }),
    ...(cmd.epochs !== undefined && { epochs: cmd.epochs }),
    ...(cmd.batchSize !== undefined && { batchSize: cmd.batchSize }),
    ...(cmd.learningRate !== undefined && { learningRate: cmd.learningRate }),
    ...(cmd.seed !== undefined && { seed: cmd.seed }),
    ...(cmd.maxPerClass !== undefined && { maxPerClass: cmd.maxPerClass }),
    ...(cmd.validationSplit !== undefined && { validationSplit: cmd.validationSplit }),
    ...(cmd.command === 'retrain' && { fromModel: cmd.model ?? 'current' }),
    ...(cmd.use && { use: true }),
    ...((cmd.baseUrl || cmd.baseDir) && { mobilenet: { ...(cmd.baseUrl && { url: cmd.baseUrl }), ...(cmd.baseDir && { dir: cmd.baseDir }) } }),
  };
}

/** A forced native backend that cannot load says why and how to get it. */
function backendFailure(err: unknown, forced: string | undefined): unknown {
  if (!(err instanceof EngineError) || !forced || !['gpu', 'native-cpu'].includes(forced)) return err;
  const pkg = forced === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  return new EngineError(err.code, `${err.message}. Install it with "npm install ${pkg}" (it downloads libtensorflow, so it needs internet${forced === 'gpu' ? ', CUDA 11.2 and cuDNN 8.1' : ''}); see README, "GPU and backends"`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain || process.env.HAPPYSAD_CLI_MAIN === '1') {
  const ac = new AbortController();
  // what `timeout`, `kill` and a closed terminal send cancel as Ctrl-C does (features computed so far are kept,
  // --json still gets its one object); the exit code says which signal (128 + its number), as a shell's would
  let by: number | null = null;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      if (ac.signal.aborted) process.exit(code); // a second signal while cancelling: now
      by = code;
      stdio.err('\nCancelling...');
      ac.abort();
    });
  }
  // the reader of stdout went away (a pipe into `head`; EIO: the terminal was closed): the rest of the work is
  // for nobody; stopped quietly, with the shell's code for a broken pipe, instead of an unhandled stream error
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    gone.out = true;
    by ??= err.code === 'EPIPE' ? 141 : 129;
    ac.abort();
  });
  // stderr's alone: the work goes on, unsaid (its result still reaches stdout)
  process.stderr.on('error', () => {
    gone.err = true;
  });
  run(process.argv.slice(2), stdio, { signal: ac.signal }).then(
    (code) => {
      process.exitCode = code === 130 && by !== null ? by : code;
    },
    (err: unknown) => {
      stdio.err(`happysad: internal error: ${(err as Error).stack ?? String(err)}`);
      process.exitCode = 1;
    },
  );
}
