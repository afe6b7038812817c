import { withPortOne } from '@portone-retry/axios-adapter';
import axios from 'axios';
import { runAdapterContract } from '../../../test/adapter-contract.js';

runAdapterContract('axios adapter', (baseUrl, policy, extras = {}) => {
  const client = withPortOne(axios.create({ baseURL: baseUrl }), { policy, ...extras });
  return {
    engine: client.portone,
    post: async (url, body, init) => {
      const res = await client.post(url, body, init?.signal ? { signal: init.signal } : {});
      return { status: res.status, data: res.data, settlement: res.portone };
    },
    put: async (url, body) => {
      const res = await client.put(url, body);
      return { status: res.status, data: res.data, settlement: res.portone };
    },
    get: async (url, init) => {
      const res = await client.get(url, init?.signal ? { signal: init.signal } : {});
      return { status: res.status, data: res.data, settlement: res.portone };
    },
  };
});
