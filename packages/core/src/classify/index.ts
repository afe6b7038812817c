export { type ClassifyInput, classify, type ErrorInput, type ResponseInput } from './classify.js';
export { type Envelope, parseBody, readEnvelope } from './envelope.js';
export { headerOf, parseRetryAfter } from './retry-after.js';
export { transportFailureOf } from './transport.js';
