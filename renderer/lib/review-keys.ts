/** The keys (not words: the same in every language) that confirm or correct in the Library's grid and viewer. */
export const REVIEW_SHORTCUT = { confirm: 'C', correct: 'X' } as const;
