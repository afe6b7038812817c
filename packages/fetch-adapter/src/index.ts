export {
  createPortOneFetch,
  type FetchStatusCheck,
  type PortOneFetch,
  type PortOneFetchOptions,
} from './create-portone-fetch.js';
