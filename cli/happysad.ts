/**
 * happysad: the desktop app's engine without a window. Runs the same worker as the app, in the same data
 * folder by default, so models trained here show up there.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isCancelled } from '../common/errors.js';
import { EngineHost } from '../engine/host.js';
import { assetsDir, defaultHome } from '../engine/paths.js';
import { parseCommand, USAGE, UsageError, type Command } from './args.js';
import { evalSummary, predictLines, progressLine, trainSummary } from './format.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

/** Returns the exit code: 0 success, 1 an input failed, 2 bad usage, 130 cancelled (Ctrl-C). */
export async function run(argv: string[], io: Io = stdio, signal?: AbortSignal): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`happysad: ${err.message}`);
    io.err('Run "happysad --help" for usage.');
    return 2;
  }
  if (cmd.command === 'help') {
    io.out(USAGE);
    return 0;
  }
  const home = cmd.common.home ? resolve(cmd.common.home) : defaultHome();
  const host = new EngineHost({ home, assetsDir: assetsDir(), ...(cmd.common.backend && { backend: cmd.common.backend }) });
  const onProgress = (e: import('../common/engine-types.js').ProgressEvent) => {
    const line = progressLine(e);
    if (line) io.err(line);
  };
  const opts = { onProgress, ...(signal && { signal }) };
  try {
    const backend = await host.start();
    io.err(`Backend: ${backend.label}${backend.attempts.filter((a) => !a.ok).map((a) => `\n  skipped ${a.candidate}: ${a.reason}`).join('')}`);
    io.err(`Data folder: ${home}`);
    switch (cmd.command) {
      case 'train':
      case 'retrain': {
        const r = await host.call(
          'train',
          {
            data: resolve(cmd.data),
            ...(cmd.base && { base: cmd.base }),
            ...(cmd.epochs !== undefined && { epochs: cmd.epochs }),
            ...(cmd.batchSize !== undefined && { batchSize: cmd.batchSize }),
            ...(cmd.seed !== undefined && { seed: cmd.seed }),
            ...(cmd.maxPerClass !== undefined && { maxPerClass: cmd.maxPerClass }),
            ...(cmd.validationSplit !== undefined && { validationSplit: cmd.validationSplit }),
            ...(cmd.command === 'retrain' && { fromModel: cmd.model ?? 'current' }),
            ...((cmd.baseUrl || cmd.baseDir) && { mobilenet: { ...(cmd.baseUrl && { url: cmd.baseUrl }), ...(cmd.baseDir && { dir: resolve(cmd.baseDir) }) } }),
          },
          opts,
        );
        if (cmd.common.json) io.out(JSON.stringify({ modelId: r.modelId, backend: r.backend, seconds: r.seconds, epochs: r.epochs, best: r.best, history: r.history, dataset: r.dataset, failed: r.failed }));
        else io.out(trainSummary(r));
        return r.failed.length ? 1 : 0;
      }
      case 'eval': {
        const r = await host.call('evaluate', { data: resolve(cmd.data), ...(cmd.model && { model: cmd.model }) }, opts);
        if (cmd.common.json) io.out(JSON.stringify(r));
        else io.out(evalSummary(r));
        return r.failed.length ? 1 : 0;
      }
      case 'predict': {
        const r = await host.call('predict', { inputs: cmd.inputs, ...(cmd.model && { model: cmd.model }) }, opts);
        for (const p of r.results) if ('error' in p) io.err(`happysad: ${p.file}: ${p.error}`);
        if (cmd.common.json) io.out(JSON.stringify({ results: r.results, modelId: r.modelId, backend: r.backend }));
        else io.out(predictLines(r));
        return r.results.some((p) => 'error' in p) ? 1 : 0;
      }
    }
  } catch (err) {
    const e = err as Error;
    if (isCancelled(e)) {
      io.err('happysad: cancelled; nothing was saved');
      return 130;
    }
    io.err(`happysad: ${e.message}`);
    return 1;
  } finally {
    await host.dispose();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain || process.env.HAPPYSAD_CLI_MAIN === '1') {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nCancelling...\n');
    ac.abort();
  });
  run(process.argv.slice(2), stdio, ac.signal).then((code) => {
    process.exitCode = code;
  });
}
