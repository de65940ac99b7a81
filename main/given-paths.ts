/**
 * The paths the app has been given: files and folders the user dropped, opened, chose or passed to the
 * engine, and the app's own folders in the data folder (library, pasted images). The protocol serves an image
 * only when it is one of them or lies inside one, once symlinks are resolved.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

export type GivenCheck = { ok: true; realPath: string } | { ok: false; why: 'not-given' | 'missing' };

export class GivenPaths {
  private readonly entries = new Set<string>();
  private readonly path: path.PlatformPath;

  constructor(platform: NodeJS.Platform = process.platform) {
    this.path = platform === 'win32' ? path.win32 : path.posix;
  }

  /** Adds absolute paths (files or folders alike); anything else is ignored. Synchronous: no disk access. */
  add(paths: Iterable<string>): void {
    for (const p of paths) {
      if (typeof p === 'string' && p.length > 0 && !p.includes('\0') && this.path.isAbsolute(p)) this.entries.add(this.trimmed(this.path.normalize(p)));
    }
  }

  has(p: string): boolean {
    return this.entries.has(p);
  }

  /** The given entry that `p` is, or lies under (by its spelling, before symlinks); null when none. */
  entryFor(p: string): string | null {
    let dir = this.trimmed(p);
    for (;;) {
      if (this.entries.has(dir)) return dir;
      const parent = this.path.dirname(dir);
      if (parent === dir) return null;
      dir = parent;
    }
  }

  /**
   * Is `p` (absolute, normalized) given? Spelled as, or under, a given entry, AND, once symlinks are resolved,
   * still that entry's file or inside that entry's folder: a link in a given folder that points elsewhere is refused.
   */
  async check(p: string): Promise<GivenCheck> {
    const entry = this.entryFor(p);
    if (entry === null) return { ok: false, why: 'not-given' };
    let realEntry: string;
    let real: string;
    try {
      [realEntry, real] = await Promise.all([realpath(entry), realpath(p)]);
    } catch {
      return { ok: false, why: 'missing' };
    }
    if (real === realEntry || isInside(real, realEntry, this.path)) return { ok: true, realPath: real };
    return { ok: false, why: 'not-given' };
  }

  private trimmed(p: string): string {
    // "/a/b/" and "/a/b" are the same folder; a root keeps its separator
    return p.length > 1 && /[\\/]$/.test(p) && this.path.dirname(p) !== p ? p.slice(0, -1) : p;
  }
}

/** Is `child` strictly inside `folder` (both absolute, normalized)? */
export function isInside(child: string, folder: string, p: path.PlatformPath = path): boolean {
  const rel = p.relative(folder, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${p.sep}`) && !p.isAbsolute(rel);
}
