/**
 * .github/workflows/release.yml cannot run here: it is parsed and validated with GitHub's own workflow parser
 * (@actions/workflow-parser, the schema the Actions service and its VS Code extension use), and what it runs
 * is checked against package.json.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertWorkflowTemplate, parseWorkflow, type TraceWriter } from '@actions/workflow-parser';
import { ROOT } from '../helpers/tmp.js';

const WORKFLOW = '.github/workflows/release.yml';
const quiet: TraceWriter = { info() {}, verbose() {}, error() {} };

async function parse(content: string, name = WORKFLOW) {
  const parsed = parseWorkflow({ name, content }, quiet);
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  const template = parsed.value ? await convertWorkflowTemplate(parsed.context, parsed.value) : null;
  return { errors: [...errors, ...(template?.errors ?? []).map((e) => e.Message)], template };
}

/** the workflow's steps as plain text: `run` commands and `uses` actions */
const text = (token: unknown) => (typeof token === 'string' ? token : String((token as { value?: unknown })?.value ?? token));

test('the release workflow is valid for GitHub Actions (and the validator does catch mistakes)', async () => {
  const { errors, template } = await parse(await readFile(join(ROOT, WORKFLOW), 'utf8'));
  assert.deepEqual(errors, []);
  assert.equal(template!.jobs.length, 1);
  const bad = await parse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz:\n      - run: npm test\n', 'bad.yml');
  assert.match(bad.errors.join('\n'), /Unexpected value 'stepz'/);
});

test('each installer is built on its own OS, smoke-checked there, then uploaded; only npm scripts that exist', async () => {
  const content = await readFile(join(ROOT, WORKFLOW), 'utf8');
  const { template } = await parse(content);
  const job = template!.jobs[0] as unknown as { steps: Array<{ run?: unknown; uses?: unknown }> };
  const steps = job.steps.map((s) => (s.run !== undefined ? `run: ${text(s.run)}` : `uses: ${text(s.uses)}`));
  for (const os of ['windows-latest', 'macos-latest', 'ubuntu-latest']) assert.match(content, new RegExp(`\\b${os}\\b`), os);

  const scripts = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const runs = steps.filter((s) => s.startsWith('run: ')).map((s) => s.slice(5));
  for (const run of runs) {
    assert.match(run, /^npm (ci|run [\w:-]+( -- .*)?)$/, `"${run}": npm ci or an npm script, nothing the project does not define`);
    const name = /^npm run ([\w:-]+)/.exec(run)?.[1];
    if (name) assert.ok(Object.hasOwn(scripts, name), `npm run ${name} exists in package.json`);
  }
  const at = (prefix: string) => steps.findIndex((s) => s.startsWith(prefix));
  assert.ok(at('run: npm ci') >= 0);
  assert.ok(at('run: npm run dist') > at('run: npm ci'), 'the installers are built');
  assert.ok(at('run: npm run smoke:packed -- release') > at('run: npm run dist'), 'then the app inside them is smoke-checked');
  assert.ok(at('uses: actions/upload-artifact') > at('run: npm run smoke:packed'), 'then uploaded');
  assert.match(content, /node-version: 22\b/, 'the Node the project targets');
  // signing: the variables electron-builder reads, from the repository's secrets, never written in the file
  for (const v of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'WIN_CSC_LINK', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']) {
    assert.match(content, new RegExp(`${v}: \\$\\{\\{ secrets\\.${v} \\}\\}`), v);
  }
  for (const ext of ['exe', 'dmg', 'AppImage', 'deb']) assert.match(content, new RegExp(`release/\\*\\.${ext}\\b`), `uploads the .${ext}`);
});
