import type { rendererEn } from './renderer.en.js';

export const rendererId: Record<keyof typeof rendererEn, string> = {
  'app.title': 'HappySad Studio',
};
