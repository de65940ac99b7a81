/**
 * A training-data folder as a training would see it, without training: the counts per split and class (the
 * same seeded split training makes), the other expressions left out, the files skipped with why, and the
 * warnings training would give. Only the folder is listed; no image is read, so it is quick on any size.
 */
import type { DataInspection, TrainParams } from '../../common/engine-types.js';
import { missingClasses, missingClassesDetail, readDatasetLayout } from '../dataset.js';
import { checkTrainingData } from './data-warnings.js';

export type InspectParams = Pick<TrainParams, 'data' | 'validationSplit' | 'seed' | 'maxPerClass'>;

export async function inspectData(params: InspectParams): Promise<DataInspection> {
  const { summary, ignoredImages = {} } = await readDatasetLayout(params.data, {
    countIgnored: true,
    ...(params.seed !== undefined && { seed: params.seed }),
    ...(params.validationSplit !== undefined && { validationSplit: params.validationSplit }),
    ...(params.maxPerClass !== undefined && { maxPerClass: params.maxPerClass }),
  });
  const problem = missingClasses(summary);
  // with a class missing, the refusal says it all; the warnings would only repeat it
  const check = problem ? { warnings: [], details: [] } : checkTrainingData(summary.train, summary.validation);
  return { summary, ignoredImages, warnings: check.warnings, warningDetails: check.details, problem, problemDetails: missingClassesDetail(summary) };
}
