import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './tmp.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** the last stdout line parsed as JSON, when --json was given */
  json: any;
}

/** Runs the real `happysad` bin in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, onStderr?: (text: string, child: import('node:child_process').ChildProcess) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'happysad.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let json: unknown = undefined;
      if (args.includes('--json')) {
        try {
          json = JSON.parse(last);
        } catch {
          json = undefined;
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}
