export {
  type AxiosStatusCheck,
  type PortOneAxiosInstance,
  type WithPortOneOptions,
  withPortOne,
} from './with-portone.js';
