export {
  createPortOneFetch,
  type FetchStatusCheck,
  type PortOneFetch,
  type PortOneFetchOptions,
  type PortOneResponse,
} from './create-portone-fetch.js';
