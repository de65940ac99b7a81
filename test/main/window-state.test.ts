import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SIZE, MIN_SIZE, captureWindowState, restoreWindowState } from '../../main/window-state.js';

const SCREEN = { x: 0, y: 0, width: 1920, height: 1080 };
const LAPTOP = { x: 0, y: 0, width: 1366, height: 740 };
const RIGHT = { x: 1920, y: 0, width: 1280, height: 1024 };

test('nothing saved, or garbage: the default size, centred', () => {
  for (const saved of [null, undefined, 'x', 42, {}, { width: 'big', height: 1 }, { width: NaN, height: 700 }, []]) {
    assert.deepEqual(restoreWindowState(saved, [SCREEN]), { ...DEFAULT_SIZE, maximized: false }, JSON.stringify(saved));
  }
  assert.deepEqual(restoreWindowState(null, [LAPTOP]), { width: 1200, height: 740, maximized: false }, 'no taller than the screen');
});

test('a saved state comes back as it was', () => {
  const saved = { x: 100, y: 50, width: 1000, height: 700, maximized: false };
  assert.deepEqual(restoreWindowState(saved, [SCREEN]), saved);
  assert.deepEqual(restoreWindowState({ ...saved, x: 2000, maximized: true }, [SCREEN, RIGHT]), { ...saved, x: 2000, maximized: true }, 'on the second screen');
});

test('never below the minimum size (900x600), never larger than the largest screen', () => {
  assert.deepEqual(restoreWindowState({ x: 10, y: 10, width: 300, height: 200 }, [SCREEN]), { x: 10, y: 10, ...MIN_SIZE, maximized: false });
  const huge = restoreWindowState({ x: 0, y: 0, width: 5000, height: 4000 }, [SCREEN]);
  assert.deepEqual([huge.width, huge.height], [1920, 1080]);
  const tiny = restoreWindowState({ width: 5000, height: 4000 }, [{ x: 0, y: 0, width: 800, height: 500 }]);
  assert.deepEqual([tiny.width, tiny.height], [900, 600], 'the minimum wins over a screen smaller than it');
});

test('a position off every screen (an unplugged monitor) is dropped; one sticking out is pulled in', () => {
  const gone = restoreWindowState({ x: 2500, y: 100, width: 1000, height: 700 }, [SCREEN]);
  assert.equal(gone.x, undefined);
  assert.equal(gone.y, undefined);
  const titleAbove = restoreWindowState({ x: 100, y: -500, width: 1000, height: 700 }, [SCREEN]);
  assert.equal(titleAbove.x, undefined, 'its title bar would be unreachable');
  const out = restoreWindowState({ x: 1500, y: 600, width: 1000, height: 700 }, [SCREEN]);
  assert.deepEqual([out.x, out.y], [920, 380]);
});

test('what is saved: the normal bounds and whether it was maximized', () => {
  assert.deepEqual(captureWindowState({ getNormalBounds: () => ({ x: 1, y: 2, width: 1000, height: 700 }), isMaximized: () => true }), { x: 1, y: 2, width: 1000, height: 700, maximized: true });
});

test('a window placed on a smaller screen is no larger than that screen (the largest one sets no size there)', () => {
  const big = { x: 0, y: 0, width: 2560, height: 1400 };
  const small = { x: 2560, y: 0, width: 1280, height: 680 };
  const s = restoreWindowState({ x: 2600, y: 20, width: 2400, height: 1300 }, [big, small]);
  assert.deepEqual(s, { x: 2560, y: 0, width: 1280, height: 680, maximized: false }, 'fully on the small screen');
  // a screen under the minimum: the minimum, placed from the screen's corner
  const s2 = restoreWindowState({ x: 2600, y: 20, width: 2400, height: 1300 }, [big, { x: 2560, y: 0, width: 800, height: 500 }]);
  assert.deepEqual([s2.x, s2.y, s2.width, s2.height], [2560, 0, 900, 600]);
});
