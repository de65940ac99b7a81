import assert from 'node:assert/strict';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Prediction } from '../../../common/engine-types.js';
import { evaluate } from '../../../engine/use-cases/evaluate.js';
import { predict } from '../../../engine/use-cases/predict.js';
import { createServices, type EngineServices } from '../../../engine/use-cases/services.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let services: EngineServices;
before(async () => {
  services = createServices(await tempDir(), ASSETS, await useBestBackend());
});

test('evaluation scores exactly what predict says; unreadable images are failed, other files skipped', async () => {
  const data = join(await tempDir(), 'faces');
  await cp(FACES, data, { recursive: true });
  await writeFile(join(data, 'sad', 'broken.jpg'), 'garbage');
  await writeFile(join(data, 'sad', 'notes.txt'), 'not an image');

  const e = await evaluate(services, { data, model: 'zero-shot' });
  assert.equal(e.n, 20);
  assert.deepEqual(e.failed, [{ file: join(data, 'sad', 'broken.jpg'), reason: 'not a supported image format' }]);
  assert.deepEqual(e.skipped, [{ file: join(data, 'sad', 'notes.txt'), reason: 'not an image file (.txt)' }]);

  const judged = async (label: 'happy' | 'sad') =>
    (await predict(services, { inputs: [join(data, label)], model: 'zero-shot' })).results.filter((r): r is Extract<Prediction, { label: string }> => 'label' in r);
  const happy = await judged('happy');
  const sad = await judged('sad');
  assert.deepEqual(e.confusion, {
    happy: { happy: happy.filter((r) => r.label === 'happy').length, sad: happy.filter((r) => r.label === 'sad').length },
    sad: { happy: sad.filter((r) => r.label === 'happy').length, sad: sad.filter((r) => r.label === 'sad').length },
  });
  const wrong = [...happy.filter((r) => r.label !== 'happy'), ...sad.filter((r) => r.label !== 'sad')];
  assert.deepEqual(
    e.misclassified.map((m) => [m.file, m.predicted, m.confidence]),
    wrong.map((r) => [r.file, r.label, r.confidence]),
  );
  assert.equal(e.accuracy, (e.confusion.happy.happy + e.confusion.sad.sad) / 20);
});
