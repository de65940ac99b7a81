/** The folder Export Model writes is named happysad-model-<model id>: dropped on the window, it is imported, not judged. */
const EXPORTED_MODEL = /^happysad-model-[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$/;

export function isExportedModelFolder(path: string): boolean {
  return EXPORTED_MODEL.test(path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '');
}
