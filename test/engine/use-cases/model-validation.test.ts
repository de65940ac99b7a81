import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { modelValidationImages } from '../../../engine/use-cases/model-validation.js';
import { createServices } from '../../../engine/use-cases/services.js';
import { trainFromFolder } from '../../../engine/use-cases/train.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

test('a model’s validation images: those its samples.json lists; where damage thinned or emptied that list, its folder split again as it was (never fewer images said to be all)', async () => {
  const services = createServices(await tempDir(), ASSETS, await useBestBackend());
  const m = await trainFromFolder(services, { data: FACES, epochs: 1, seed: 9, validationSplit: 0.3 });
  const file = join(services.registry.dir, m.modelId, 'samples.json');
  const stored = JSON.parse(await readFile(file, 'utf8')) as { trained: string[]; validation: string[] };
  const all = m.dataset.validation.happy + m.dataset.validation.sad;
  const judged = async () => {
    const v = await modelValidationImages(services, m.modelId);
    return [v.samples.length, v.missing];
  };
  assert.deepEqual(await judged(), [all, 0]);
  // the training list damaged: the validation list still says which images
  await writeFile(file, JSON.stringify({ ...stored, trained: [...stored.trained, 'x'] }));
  assert.deepEqual(await judged(), [all, 0]);
  // the validation list thinned, or emptied: split again, all of them (the thinned list found one fewer and said none was missing)
  for (const validation of [[...stored.validation.slice(1), 'damaged'], []]) {
    await writeFile(file, JSON.stringify({ ...stored, validation }));
    assert.deepEqual(await judged(), [all, 0], JSON.stringify(validation).slice(0, 40));
  }
});
