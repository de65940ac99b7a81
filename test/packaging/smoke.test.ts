/**
 * The packed-app smoke check's own parts (scripts/smoke-packed.mjs); pack.test.ts runs it on a real pack.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { IPC } from '../../common/ipc.js';
import { APP_URL } from '../../main/protocol.js';
// @ts-expect-error: a plain JavaScript script, without type declarations
import * as smoke from '../../scripts/smoke-packed.mjs';
import { tempDir } from '../helpers/tmp.js';

const { IPC: SMOKE_IPC, APP_URL: SMOKE_APP_URL, findResources } = smoke as { IPC: Record<string, string>; APP_URL: string; findResources(dir: string): Promise<string> };

test('the smoke check speaks the app\'s IPC channels and loads its page', () => {
  for (const [name, channel] of Object.entries(SMOKE_IPC)) assert.equal(channel, (IPC as Record<string, string>)[name], name);
  assert.equal(SMOKE_APP_URL, APP_URL);
});

test('it finds the packed app in each OS\'s layout, or in the release folder', async () => {
  const release = await tempDir();
  const make = async (resources: string) => {
    await mkdir(join(release, resources), { recursive: true });
    await writeFile(join(release, resources, 'app.asar'), '');
    return join(release, resources);
  };
  const linux = await make('linux-unpacked/resources');
  assert.equal(await findResources(join(release, 'linux-unpacked')), linux);
  assert.equal(await findResources(linux), linux);
  assert.equal(await findResources(release), linux, 'the only packed app under release/');
  const mac = await make('mac-arm64/HappySad Studio.app/Contents/Resources');
  assert.equal(await findResources(join(release, 'mac-arm64', 'HappySad Studio.app')), mac);
  await assert.rejects(findResources(release), /several packed apps/);
  await assert.rejects(findResources(await tempDir()), /no packed app/);
});
