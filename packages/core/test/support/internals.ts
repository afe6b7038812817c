/** Everything the unit tests reach for: the public entry plus the internals they test directly. */

export * from '../../src/adapter/index.js';
export * from '../../src/auth/index.js';
export * from '../../src/catalogue/index.js';
export * from '../../src/classify/index.js';
export { isEngine } from '../../src/engine/engine.js';
export * from '../../src/errors/index.js';
export * from '../../src/events.js';
export * from '../../src/index.js';
export * from '../../src/operations/index.js';
export * from '../../src/policy/index.js';
export * from '../../src/redact.js';
export * from '../../src/resilience/index.js';
export * from '../../src/signatures/index.js';
export * from '../../src/webhooks/index.js';
