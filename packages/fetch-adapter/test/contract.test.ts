import { createPortOneFetch, type PortOneResponse } from '@portone-retry/fetch-adapter';
import { runAdapterContract } from '../../../test/adapter-contract.js';

runAdapterContract('fetch adapter', (baseUrl, policy, extras = {}) => {
  const portoneFetch = createPortOneFetch({ baseUrl, policy, ...extras });
  const read = async (res: PortOneResponse) => {
    const text = await res.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {}
    return { status: res.status, data, settlement: res.portone };
  };
  return {
    engine: portoneFetch.portone,
    post: async (url, body, init) =>
      read(
        await portoneFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          ...(init?.signal ? { signal: init.signal } : {}),
        }),
      ),
    put: async (url, body) =>
      read(
        await portoneFetch(url, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    get: async (url, init) =>
      read(await portoneFetch(url, init?.signal ? { signal: init.signal } : {})),
  };
});
