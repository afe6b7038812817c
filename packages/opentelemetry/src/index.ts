export { ATTR, hashOrderRef } from './attributes.js';

export { instrument, SCOPE_NAME } from './instrument.js';
export { CIRCUIT_STATE, METRICS } from './metrics.js';
export type { InstrumentOptions } from './options.js';
