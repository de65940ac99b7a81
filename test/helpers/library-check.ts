import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

const DIRS = { happy: 'happy_predicted', sad: 'sad_predicted' } as const;
const IMAGE = /\.(jpe?g|jpe|jfif|png|webp|gif|tiff?|bmp|dib|avif|hei[cf])$/i;

interface DiskRecord {
  id: string;
  storedName: string;
  label: 'happy' | 'sad';
  review: string;
  predicted: 'happy' | 'sad' | null;
}

/**
 * Reads a library folder as it lies on disk, without the engine, and lists every way it breaks the library's
 * invariants: the index agrees with the folders (one record per image file, at its label's folder, with its
 * content hash as id), no action left pending, no temporary files, each image stored once, review states
 * coherent with the labels. Empty: consistent.
 */
export async function libraryProblems(home: string): Promise<string[]> {
  const dir = join(home, 'library');
  const problems: string[] = [];
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { pending: unknown; last: { steps: Array<{ move?: { to: { dir: string; name: string } } }> } | null; records: DiskRecord[] };
  if (index.pending !== null) problems.push('an action is still pending');
  const onDisk = new Map<string, string>(); // "label/name" -> sha256
  for (const [label, d] of Object.entries(DIRS)) {
    for (const e of await readdir(join(dir, d), { withFileTypes: true })) {
      if (e.name.startsWith('.')) problems.push(`leftover temporary file ${d}/${e.name}`);
      else if (e.isFile() && IMAGE.test(extname(e.name))) onDisk.set(`${label}/${e.name}`, createHash('sha256').update(await readFile(join(dir, d, e.name))).digest('hex'));
    }
  }
  const ids = new Set<string>();
  const claimed = new Set<string>();
  for (const r of index.records) {
    if (ids.has(r.id)) problems.push(`two records for ${r.id}`);
    ids.add(r.id);
    const key = `${r.label}/${r.storedName}`;
    const hash = onDisk.get(key);
    if (hash === undefined) problems.push(`record ${r.id.slice(0, 8)} points at ${key}, which is not there`);
    else if (hash !== r.id) problems.push(`${key} holds other content than record ${r.id.slice(0, 8)}`);
    claimed.add(key);
    if (r.review === 'unreviewed' && r.label !== r.predicted) problems.push(`${key} is unreviewed but not where the model put it`);
    if (r.review === 'confirmed' && r.predicted !== null && r.predicted !== r.label) problems.push(`${key} is confirmed but its label is not the model's`);
    if (r.review === 'corrected' && (r.predicted === null || r.predicted === r.label)) problems.push(`${key} is corrected but its label is the model's`);
  }
  for (const key of onDisk.keys()) if (!claimed.has(key)) problems.push(`${key} is in a folder but not in the index`);
  const hashes = [...onDisk.values()];
  if (new Set(hashes).size !== hashes.length) problems.push('the same image is stored twice');
  const trashRefs = new Set((index.last?.steps ?? []).flatMap((s) => (s.move?.to.dir === '.trash' ? [s.move.to.name] : [])));
  for (const name of await readdir(join(dir, '.trash')).catch(() => [])) if (!trashRefs.has(name)) problems.push(`.trash/${name} is kept for no undo`);
  return problems;
}

/** Where each image is, by id: its label, or absent. */
export async function labelsOnDisk(home: string): Promise<Map<string, 'happy' | 'sad'>> {
  const index = JSON.parse(await readFile(join(home, 'library', 'index.json'), 'utf8')) as { records: DiskRecord[] };
  return new Map(index.records.map((r) => [r.id, r.label]));
}
