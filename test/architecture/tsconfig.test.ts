/**
 * One tsconfig per runtime: each config's program sees the globals of its runtime and not those of the
 * others. `npm run typecheck` checks the code under each config; this checks that the configs themselves
 * draw the line (a probe file using `document` or `process` is compiled into each real program).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from '../helpers/tmp.js';

const PROBE = `
export const title: string = document.title;
export const env: unknown = process.env;
`;

/** the config's own program plus a probe file next to it; returns the probe's error messages and the program's files */
function compileProbe(config: string, probeName: string, probeText = PROBE) {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, config), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) })!;
  assert.deepEqual(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], `${config} parses without errors`);
  const probe = join(ROOT, probeName);
  const host = ts.createCompilerHost(parsed.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, lang, ...rest) => (name === probe ? ts.createSourceFile(name, probeText, lang) : getSourceFile.call(host, name, lang, ...rest));
  host.fileExists = (name) => name === probe || fileExists.call(host, name);
  host.readFile = (name) => (name === probe ? probeText : readFile.call(host, name));
  const program = ts.createProgram({ rootNames: [...parsed.fileNames, probe], options: parsed.options, host });
  const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  const files = program.getSourceFiles().map((f) => f.fileName.slice(ROOT.length).replaceAll('\\', '/'));
  return { errors, files, ours: parsed.fileNames.map((f) => f.slice(ROOT.length).replaceAll('\\', '/')) };
}

const usesNodeTypes = (files: string[]) => files.some((f) => f.includes('node_modules/@types/node/'));
const usesDomLib = (files: string[]) => files.some((f) => /lib\.dom\.d\.ts$/.test(f));

test('Node config (engine, cli, main, common, tests): Node types, no DOM', () => {
  const { errors, files, ours } = compileProbe('tsconfig.json', 'engine/__probe__.ts');
  assert.deepEqual(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /Cannot find name 'document'/);
  assert.ok(usesNodeTypes(files) && !usesDomLib(files));
  for (const dir of ['engine/', 'cli/', 'main/', 'common/', 'test/']) assert.ok(ours.some((f) => f.startsWith(dir)), `includes ${dir}`);
  assert.deepEqual(ours.filter((f) => /^(renderer|preload)\//.test(f)), []);
});

test('renderer config: DOM, no Node types; sees common/ and nothing of engine, main, preload or cli', () => {
  const { errors, files, ours } = compileProbe('renderer/tsconfig.json', 'renderer/__probe__.ts');
  assert.deepEqual(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, /Cannot find name 'process'/);
  assert.ok(usesDomLib(files) && !usesNodeTypes(files), 'no file of the program pulls in @types/node');
  assert.ok(ours.some((f) => f.startsWith('common/')), 'common/ typechecks under the DOM config too');
  assert.deepEqual(files.filter((f) => /^(engine|main|preload|cli|test)\//.test(f)), []);
});

test('preload config: DOM and Electron, with common/', () => {
  const { errors, files, ours } = compileProbe('preload/tsconfig.json', 'preload/__probe__.cts', `import { contextBridge } from 'electron';\nexport const t: string = document.title;\nexport const c = contextBridge;\n`);
  assert.deepEqual(errors, []);
  assert.ok(usesDomLib(files));
  assert.ok(ours.includes('preload/index.cts') && ours.some((f) => f.startsWith('common/')));
  assert.deepEqual(files.filter((f) => /^(engine|main|renderer|cli|test)\//.test(f)), []);
});
