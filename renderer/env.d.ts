/// <reference types="svelte" />
import type { HappySadApi } from '../common/api.js';

declare global {
  interface Window {
    /** exposed by the preload (contextBridge); by the E2E test bridge's shim in tests */
    readonly api: HappySadApi;
  }
}
