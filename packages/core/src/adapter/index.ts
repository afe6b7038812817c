/**
 * The adapter toolkit: what both adapters need to describe a call to the engine. Users never
 * import it; it is public so an adapter for another client can be written the same way.
 */

export { parseBody } from '../classify/envelope.js';
export type {
  AttemptContext,
  AttemptResponse,
  Operation,
  OperationKind,
  SettledBy,
  Settlement,
  StatusCheck,
} from '../engine/types.js';
export {
  type LookupRequest,
  type LookupResult,
  lookupPathOf,
  readLookup,
  refOf,
} from '../operations/index.js';
export {
  markRedacted,
  redact,
  redactError,
  redactHeaders,
  redactText,
  redactUrl,
} from '../redact.js';
export * from './journal.js';
export {
  type AdapterOptions,
  CREDENTIAL_HEADERS,
  credentialsOf,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
  withCredentials,
} from './options.js';
export {
  absoluteUrl,
  DEFAULT_BASE_URL,
  describeRequest,
  isPortOneUrl,
  type RequestDescription,
} from './request.js';
