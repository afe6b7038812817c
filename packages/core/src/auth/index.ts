export { resolveTokenProvider, type TokenOption, type TokenProvider } from './token-provider.js';
