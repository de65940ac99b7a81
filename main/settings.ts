/**
 * <data folder>/settings.json: the user's settings (language, savePredictions) and the window's last state.
 * Written atomically (temporary file + rename), one write at a time; a missing or damaged file means defaults.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { EngineError } from '../common/errors.js';
import { LANGUAGES, type Settings } from '../common/ipc.js';
import { writeFileAtomic } from '../engine/atomic-fs.js';
import type { WindowState } from './window-state.js';

export const DEFAULT_SETTINGS: Settings = { language: null, savePredictions: true };

const settingsPatch = z.strictObject({
  language: z.enum(LANGUAGES).nullable().optional(),
  savePredictions: z.boolean().optional(),
});

/** A settings patch from the renderer, checked: only known keys, each of its type. Throws 'bad-input'. */
export function parseSettingsPatch(patch: unknown): Partial<Settings> {
  const r = settingsPatch.safeParse(patch);
  if (!r.success) throw new EngineError('bad-input', `settings: ${r.error.issues.map((i) => `${i.path.join('.') || 'patch'}: ${i.message}`).join('; ')}`);
  const out: Partial<Settings> = {};
  if (r.data.language !== undefined) out.language = r.data.language;
  if (r.data.savePredictions !== undefined) out.savePredictions = r.data.savePredictions;
  return out;
}

interface SettingsFile {
  settings: Settings;
  window: unknown;
}

export class SettingsStore {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private data: SettingsFile,
  ) {}

  static async open(file: string): Promise<SettingsStore> {
    let raw: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
    } catch {
      // first run, or a damaged file: defaults
    }
    const settings = { ...DEFAULT_SETTINGS };
    for (const key of ['language', 'savePredictions'] as const) {
      try {
        Object.assign(settings, parseSettingsPatch({ [key]: raw[key] }));
      } catch {
        // one bad value does not lose the others
      }
    }
    return new SettingsStore(file, { settings, window: raw.window ?? null });
  }

  get settings(): Settings {
    return { ...this.data.settings };
  }

  /** the saved window state as it was read: restoreWindowState checks and fits it */
  get window(): unknown {
    return this.data.window;
  }

  /**
   * Applies a checked patch (see parseSettingsPatch) and saves. A patch that cannot be stored is taken back
   * (what the app shows is what is stored; a later write would otherwise store it unasked), except where
   * another update changed the same setting meanwhile.
   */
  async update(patch: Partial<Settings>): Promise<Settings> {
    const before = this.data.settings;
    this.data = { ...this.data, settings: { ...this.data.settings, ...patch } };
    try {
      await this.save();
    } catch (err) {
      const now: Record<string, unknown> = { ...this.data.settings };
      for (const key of Object.keys(patch) as Array<keyof Settings>) if (now[key] === patch[key]) now[key] = before[key];
      this.data = { ...this.data, settings: now as unknown as Settings };
      throw err;
    }
    return this.settings;
  }

  async saveWindow(state: WindowState): Promise<void> {
    this.data = { ...this.data, window: state };
    await this.save();
  }

  /** settles when every write asked for so far is done */
  flush(): Promise<void> {
    return this.writing;
  }

  private save(): Promise<void> {
    const json = `${JSON.stringify({ ...this.data.settings, window: this.data.window }, null, 2)}\n`;
    const next = this.writing.then(() => writeFileAtomic(this.file, json));
    this.writing = next.catch(() => undefined);
    return next;
  }
}
