// An adapter registers how its engine reaches PortOne for the reconciler's lookups.
export {
  type LookupTransport,
  type LookupTransportRequest,
  type LookupTransportResponse,
  registerLookupTransport,
} from '../engine/lookup-transport.js';
