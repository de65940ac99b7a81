/**
 * What the shim offers the tests inside the page, besides window.api (window.__bridge): the few things a
 * test does there, written once in page/shim.ts (browser code, its own tsconfig) so that the Node-side tests
 * need no DOM types. Plain data only.
 */
export interface PageBridge {
  /** drags these files (as from a file manager) over the element at (x, y): dragenter, dragover */
  dragFiles(paths: string[], at: { x: number; y: number }): Promise<void>;
  /** drops what dragFiles is dragging */
  drop(): void;
  /** pastes a screenshot-like PNG (no file behind it) drawn from this image */
  pasteImageFrom(path: string): Promise<void>;
  /** elements matching a selector */
  count(selector: string): number;
  /** every image in view has loaded or failed */
  imagesSettled(): boolean;
  /** waits for running CSS transitions (not endless animations), then two frames */
  settle(): Promise<void>;
  /** the focused element: its name (aria-label or first line of text), test id, outline style, whether it is in a card */
  focused(): { name: string; testid: string; outline: string; inCard: boolean };
  /** whether the first image matching the selector has loaded with pixels */
  imageLoaded(selector: string): boolean;
  /** attribute values of every element matching the selector */
  attributes(selector: string, name: string): Array<string | null>;
  /** scrolls the first element matching the selector to a position, or to its end */
  scrollTo(selector: string, top: number | 'end'): void;
  /** <html lang> */
  lang(): string;
}

/** The page's global object as the tests see it (no DOM types needed). */
export type PageGlobals = typeof globalThis & { __bridge: PageBridge };
