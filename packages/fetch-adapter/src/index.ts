export {
  createPortOneFetch,
  type PortOneFetch,
  type PortOneFetchOptions,
} from './create-portone-fetch.js';
