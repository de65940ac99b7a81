import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isExportedModelFolder } from '../../../renderer/lib/model-folder.js';

test('a dropped folder named as Export Model names it is a model to import; anything else is judged', () => {
  assert.equal(isExportedModelFolder('/home/u/Desktop/happysad-model-20261207-051706-44e2'), true);
  assert.equal(isExportedModelFolder('C:\\Users\\u\\happysad-model-20261207-051706-44e2\\'), true);
  assert.equal(isExportedModelFolder('/photos/happysad-model-20261207-051706-44e2.jpg'), false);
  assert.equal(isExportedModelFolder('/photos/happysad-model-party'), false);
  assert.equal(isExportedModelFolder('/x/happysad-model-20261207-051706-44e2/model.json'), false);
  assert.equal(isExportedModelFolder('/photos/my-happysad-model-20261207-051706-44e2'), false);
});
