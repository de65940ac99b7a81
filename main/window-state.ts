/**
 * The window's size and position, remembered across runs (in settings.json) and put back where the user can
 * see and reach it: never smaller than the minimum, never larger than the screen, never off every screen.
 */
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** absent: let the OS centre the window */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const MIN_SIZE = { width: 900, height: 600 } as const;
export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;

const savedShape = z.object({
  x: z.number().finite().optional(),
  y: z.number().finite().optional(),
  width: z.number().finite(),
  height: z.number().finite(),
  maximized: z.boolean().optional(),
});

/** How much of the window (px, each way) must lie on a screen for its saved position to be kept. */
const VISIBLE = 100;

/**
 * Where to open the window: the saved state (anything, as read from disk) fitted to the screens' work areas
 * now; the default size, centred, when there is none.
 */
export function restoreWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  const parsed = savedShape.safeParse(saved);
  const largest = workAreas.reduce<Rect | null>((a, b) => (a && a.width * a.height >= b.width * b.height ? a : b), null);
  const maxW = Math.max(MIN_SIZE.width, largest?.width ?? Infinity);
  const maxH = Math.max(MIN_SIZE.height, largest?.height ?? Infinity);
  const clamp = (v: number, lo: number, hi: number) => Math.round(Math.min(Math.max(v, lo), hi));
  if (!parsed.success) return { width: clamp(DEFAULT_SIZE.width, MIN_SIZE.width, maxW), height: clamp(DEFAULT_SIZE.height, MIN_SIZE.height, maxH), maximized: false };
  const s = parsed.data;
  const state: WindowState = { width: clamp(s.width, MIN_SIZE.width, maxW), height: clamp(s.height, MIN_SIZE.height, maxH), maximized: s.maximized ?? false };
  if (s.x !== undefined && s.y !== undefined) {
    const rect = { x: Math.round(s.x), y: Math.round(s.y), width: state.width, height: state.height };
    const area = workAreas.find((a) => overlap(rect, a) && rect.y >= a.y && rect.y < a.y + a.height - VISIBLE / 2);
    if (area) {
      // no larger than the screen it opens on (the largest one's size can reach far past a smaller one's edges)
      state.width = clamp(state.width, MIN_SIZE.width, Math.max(MIN_SIZE.width, area.width));
      state.height = clamp(state.height, MIN_SIZE.height, Math.max(MIN_SIZE.height, area.height));
      // the title bar on this screen, and the window pulled fully inside it where it sticks out
      state.x = clamp(rect.x, area.x, area.x + Math.max(0, area.width - state.width));
      state.y = clamp(rect.y, area.y, area.y + Math.max(0, area.height - state.height));
    }
  }
  return state;
}

function overlap(a: Rect, b: Rect): boolean {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w >= VISIBLE && h >= VISIBLE;
}

/** What to save when the window closes: its normal (not maximized) bounds and whether it was maximized. */
export function captureWindowState(win: { getNormalBounds(): Rect; isMaximized(): boolean }): WindowState {
  const b = win.getNormalBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
}
