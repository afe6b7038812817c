export type { TokenOption } from './token-option.js';
export { resolveTokenProvider, type TokenProvider } from './token-provider.js';
