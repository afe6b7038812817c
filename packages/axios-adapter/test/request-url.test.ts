import axios, { type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { requestUrl } from '../src/request-url.js';

const config = (fields: Partial<InternalAxiosRequestConfig>) =>
  ({ headers: new axios.AxiosHeaders(), ...fields }) as InternalAxiosRequestConfig;

describe('requestUrl', () => {
  // Each row is a config an adapter can receive; the fast path must build what axios builds.
  const rows: Partial<InternalAxiosRequestConfig>[] = [
    { url: '/api/transaction/r1/status' },
    { url: 'https://api.portone.cloud/api/initiatePayment' },
    { baseURL: 'https://api.portone.cloud', url: '/api/initiatePayment' },
    { baseURL: 'https://api.portone.cloud/', url: 'api/initiatePayment' },
    { baseURL: 'https://api.portone.cloud///', url: '///api/initiatePayment' },
    { baseURL: 'https://api.portone.cloud/v2', url: 'api/x' },
    { baseURL: 'https://api.portone.cloud', url: '' },
    { baseURL: 'https://api.portone.cloud' },
    { baseURL: 'https://api.portone.cloud', url: 'https://other.example/api' },
    { baseURL: 'https://api.portone.cloud', url: '//other.example/api' },
    {
      baseURL: 'https://api.portone.cloud',
      url: 'https://other.example/api',
      allowAbsoluteUrls: false,
    },
    { baseURL: 'https://api.portone.cloud', url: '/api/x?page=1#frag' },
    { baseURL: 'https://api.portone.cloud', url: '/api/x', params: { page: 2, q: 'a b' } },
    { baseURL: 'https://api.portone.cloud', url: '/api/x?a=1', params: { b: [1, 2] } },
    { url: 'HTTPS://API.PORTONE.CLOUD/api/x' },
  ];

  it.each(rows.map((fields) => [JSON.stringify(fields), fields] as const))(
    'builds what axios.getUri builds for %s',
    (_name, fields) => {
      expect(requestUrl(config(fields))).toBe(axios.getUri(config(fields)));
    },
  );
});
