export {
  CATALOGUE,
  lookupCode,
  parseCode,
  SERIES,
  SERIES_DEFAULTS,
  seriesOf,
} from './catalogue/index.js';
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
