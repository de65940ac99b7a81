/**
 * What the E2E tests share: building the renderer, starting the bridge, launching headless Chromium with
 * playwright-core, dropping and pasting files the way a user does, and screenshots in light and dark at two
 * window sizes.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ASSETS, ROOT, tempDir } from '../helpers/tmp.js';
import type { PageGlobals } from './bridge/page-api.js';
import { startBridge, type Bridge, type BridgeOptions } from './bridge/server.js';
import { slow } from '../helpers/slow.js';

/** Debian's chromium; HAPPYSAD_CHROMIUM names another. */
export const CHROMIUM = process.env.HAPPYSAD_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Set as a node:test `skip`: the E2E tests need a Chromium, and say how to get one when it is missing. They
 * are slow checks too (a minute and a half together), left to `npm test`.
 */
export const needsChromium = slow.skip || (existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set HAPPYSAD_CHROMIUM)`);
if (needsChromium) console.log(`# E2E skipped: ${needsChromium}`);

export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');
export const SIZES = [
  { width: 900, height: 600 },
  { width: 1280, height: 800 },
] as const;

/** Builds the renderer with its own Vite config into a fresh folder (so parallel test files never share one). */
export async function buildRenderer(): Promise<string> {
  const outDir = await tempDir('happysad-renderer-');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

export async function bridgeFor(rendererDir: string, options: Partial<BridgeOptions> = {}): Promise<Bridge> {
  return startBridge({ rendererDir, home: await tempDir('happysad-home-'), assetsDir: ASSETS, ...options });
}

export async function launch(): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(await tempDir('happysad-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // no wall-clock limits: the machine's speed varies; a test waits for what it needs
  context.setDefaultTimeout(0);
  return context;
}

export interface AppPage {
  page: Page;
  /** console errors, failed requests and uncaught exceptions seen in the page */
  problems: string[];
}

/** A fresh window on the app: the bridge's log cleared, the page loaded and its engine state shown. */
export async function openApp(context: BrowserContext, bridge: Bridge, colorScheme: 'light' | 'dark' = 'light'): Promise<AppPage> {
  bridge.reset();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // an EventSource torn down by the page's own close is not a problem, nor an image the page stopped loading
    // because it shows another one now (the viewer stepped on: seen once in three runs of the library E2E)
    const aborted = r.failure()?.errorText === 'net::ERR_ABORTED';
    if (!r.url().includes('/__bridge/events') && !(aborted && r.resourceType() === 'image')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  await page.emulateMedia({ colorScheme });
  await page.setViewportSize(SIZES[1]);
  await page.goto(bridge.url);
  await page.getByTestId('backend').and(page.locator('[data-kind]:not([data-kind=""])')).waitFor();
  await page.getByTestId('current-model').locator('strong').waitFor();
  return { page, problems };
}

/** Waits until every image in view has loaded (or failed) and transitions have ended, so that a screenshot is settled. */
export async function settle(page: Page): Promise<void> {
  // a resize re-lays the page out first (a virtualised grid renders the rows that came into view)
  await page.evaluate(() => (globalThis as PageGlobals).__bridge.settle());
  await page.waitForFunction(() => (globalThis as PageGlobals).__bridge.imagesSettled(), undefined, { timeout: 0 });
  await page.evaluate(() => (globalThis as PageGlobals).__bridge.settle());
}

/** Screenshots in light and dark, at 900x600 and 1280x800: test-results/e2e/NAME-SCHEME-WxH.png. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const made: string[] = [];
  // the pointer rests on an empty part of the sidebar, hovering nothing
  await page.mouse.move(8, 300);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await settle(page);
      const file = join(SCREENSHOTS, `${name}-${colorScheme}-${size.width}x${size.height}.png`);
      await page.screenshot({ path: file });
      made.push(file);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(SIZES[1]);
  return made;
}

/**
 * Drags files from "the file manager" over the window: Files made by the bridge's shim (which knows their
 * paths, as the preload does in the app), in one DataTransfer, through dragenter and dragover on the element
 * under the point. Returns the drop, so that a test can look at the overlay first.
 */
export async function dragFiles(page: Page, paths: string[], at = { x: 640, y: 400 }): Promise<() => Promise<void>> {
  await page.evaluate((a) => (globalThis as PageGlobals).__bridge.dragFiles(a.paths, a.at), { paths, at });
  return async () => {
    await page.evaluate(() => (globalThis as PageGlobals).__bridge.drop());
  };
}

export async function dropFiles(page: Page, paths: string[]): Promise<void> {
  const drop = await dragFiles(page, paths);
  await drop();
}

/** Pastes an image that has no file behind it, as a screenshot in the clipboard: a PNG drawn from a face photo. */
export async function pasteImageFrom(page: Page, facePath: string): Promise<void> {
  await page.evaluate((p) => (globalThis as PageGlobals).__bridge.pasteImageFrom(p), facePath);
}

const CARD = '[data-testid="prediction-card"]';

/** How many cards, in one state or in any. */
export async function cards(page: Page, ...states: Array<'pending' | 'folder' | 'done' | 'error'>): Promise<number> {
  return page.locator(states.length ? states.map((s) => `${CARD}[data-state="${s}"]`).join(', ') : CARD).count();
}

/** Waits (without a time limit) until exactly n cards are judged (labelled or failed) and no batch runs. */
export async function waitForJudged(page: Page, n: number): Promise<void> {
  const judged = `${CARD}[data-state="done"], ${CARD}[data-state="error"]`;
  await page.waitForFunction(
    (a) => {
      const b = (globalThis as PageGlobals).__bridge;
      return b.count(a.judged) === a.n && b.count('[data-testid="batch-progress"]') === 0;
    },
    { judged, n },
    { timeout: 0 },
  );
}

/** Waits (without a time limit) until some card is labelled. */
export async function waitForSomeDone(page: Page): Promise<void> {
  await page.waitForFunction((sel) => (globalThis as PageGlobals).__bridge.count(sel) > 0, `${CARD}[data-state="done"]`, { timeout: 0 });
}

export type { Bridge, PageGlobals };
