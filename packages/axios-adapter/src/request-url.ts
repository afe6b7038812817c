import axios, { type InternalAxiosRequestConfig } from 'axios';

/** axios's own test for an absolute URL (`scheme://` or `//`). */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The request's full URL, as axios builds it. Without params it is baseURL joined to url, which is
 * computed here: `axios.getUri` merges the whole config with the defaults again (the costliest
 * step of an adapter call), though the config an adapter receives is already merged.
 */
export function requestUrl(config: InternalAxiosRequestConfig): string {
  const { baseURL, url = '' } = config;
  if (config.params != null || typeof url !== 'string') return axios.getUri(config);
  if (!baseURL || (ABSOLUTE_URL.test(url) && config.allowAbsoluteUrls !== false)) return url;
  if (url === '') return baseURL;
  let end = baseURL.length;
  while (end > 0 && baseURL.charCodeAt(end - 1) === 47) end--;
  return `${baseURL.slice(0, end)}/${url.replace(/^\/+/, '')}`;
}
