/**
 * Now, in epoch ms with sub-ms precision, as span times take it. One clock for every span, so an
 * attempt never appears to start before its call. Read through `performance` at each call so
 * that tests with fake timers control it.
 */
export const now = (): number => performance.timeOrigin + performance.now();
