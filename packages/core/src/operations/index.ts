export { OPERATIONS } from './catalogue.js';
export { validateDeclaredOperations } from './declared.js';
export { lookupOperation, operationById } from './lookup-operation.js';
export { type LookupContext, lookupPathOf } from './lookup-path.js';
export { type LookupAnswer, readLookup } from './read-lookup.js';
export { refOf } from './ref-of.js';
export type {
  DeclaredOperations,
  EndpointKind,
  HeadersLike,
  LookupRequest,
  LookupResult,
  OperationContract,
  OperationInfo,
  RefLocation,
  RequestParts,
} from './types.js';
