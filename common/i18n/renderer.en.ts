/** Strings shown by the renderer. Owned with renderer/. */
export const rendererEn = {
  'app.title': 'HappySad Studio',
} as const;
