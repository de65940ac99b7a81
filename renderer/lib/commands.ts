/** Command lines the app shows as they are typed (never translated). */
export const TRAIN_COMMAND = 'happysad train';
