import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { IDENTITY, MIRROR } from '../../../engine/augment.js';
import { FeatureStore } from '../../../engine/features/feature-store.js';
import { resolveModel } from '../../../engine/models/resolve.js';
import { contentHash } from '../../../engine/samples.js';
import { judgeSamples } from '../../../engine/use-cases/judge.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let services: EngineServices;
before(async () => {
  services = createServices(await tempDir(), ASSETS, await useBestBackend());
});

test('P(happy) is the head on the mean of the photo\'s and its mirror\'s features', async () => {
  const files = (await readdir(join(FACES, 'sad'))).sort().slice(0, 3).map((f) => join(FACES, 'sad', f));
  const model = await resolveModel(services.registry, services.bases, 'zero-shot');
  try {
    const { judgements, failures } = await judgeSamples(services, model, files.map((file) => ({ file })), {});
    assert.deepEqual(failures, []);
    const store = await FeatureStore.open(null, model.base);
    const { vectors } = await store.features(files.map((file) => ({ sample: { file }, views: () => [IDENTITY, MIRROR] })));
    const { kernel, bias } = model.base.zeroShotHead!;
    vectors.forEach((views, i) => {
      const logit = kernel.reduce((s, k, d) => s + (k * (views![0]![d]! + views![1]![d]!)) / 2, bias);
      const expected = 1 / (1 + Math.exp(-logit));
      const got = judgements[i]!;
      assert.ok('pHappy' in got && Math.abs(got.pHappy - expected) < 1e-5, `${files[i]}: ${JSON.stringify(got)} vs ${expected}`);
    });
  } finally {
    model.head.dispose();
  }
});

test('a sample judged by file or by its content hash gets the same P(happy); failures keep their place', async () => {
  const dir = await tempDir();
  const bad = join(dir, 'bad.png');
  await writeFile(bad, 'not an image');
  const file = join(FACES, 'happy', (await readdir(join(FACES, 'happy'))).sort()[0]!);
  const model = await resolveModel(services.registry, services.bases, 'zero-shot');
  try {
    const hash = contentHash(await readFile(file));
    const { judgements, failures } = await judgeSamples(services, model, [{ file }, { file: bad }], {});
    assert.deepEqual(judgements[1], { error: 'not a supported image format' });
    assert.deepEqual(failures, [{ file: bad, reason: 'not a supported image format' }]);
    const byHash = await judgeSamples(services, model, [{ hash }], {});
    assert.deepEqual(byHash.judgements[0], judgements[0]);
  } finally {
    model.head.dispose();
  }
});
