export {
  type AdapterOptions,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './adapter-options.js';
export * from './auth/index.js';
export {
  CATALOGUE,
  lookupCode,
  parseCode,
  SERIES,
  SERIES_DEFAULTS,
  seriesOf,
} from './catalogue/index.js';
export * from './classify/index.js';
export * from './engine/index.js';
export type * from './engine/types.js';
export * from './errors/index.js';
export * from './events.js';
export {
  type DeclaredOperations,
  type EndpointKind,
  type LookupRequest,
  type LookupResult,
  lookupOperation,
  lookupPathOf,
  OPERATIONS,
  type OperationContract,
  type OperationInfo,
  readLookup,
  refOf,
} from './operations/index.js';
export * from './policy/index.js';
export * from './redact.js';
export {
  channelOf,
  DEFAULT_BASE_URL,
  isPortOneUrl,
  operationKindOf,
  orderRefOf,
  portOneUrlMatcher,
  statusUrl,
  upperMethod,
} from './request.js';
export * from './resilience/index.js';
export type {
  Classification,
  CodeInfo,
  CodeTag,
  ErrorSeries,
  Outcome,
  PaymentStatus,
  Series,
  TransportFailure,
} from './types.js';
