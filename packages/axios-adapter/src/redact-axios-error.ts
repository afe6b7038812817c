import {
  markRedacted,
  redact,
  redactError,
  redactHeaders,
  redactText,
  redactUrl,
} from '@portone-retry/core/adapter';
import { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';

/** A copy of a request config that is safe to expose: headers, body and URL redacted. */
function safeConfig(
  config: InternalAxiosRequestConfig | undefined,
): InternalAxiosRequestConfig | undefined {
  if (config === undefined) return undefined;
  return {
    method: config.method,
    url: config.url === undefined ? undefined : redactUrl(config.url),
    baseURL: config.baseURL,
    headers: redactHeaders(config.headers?.toJSON?.() ?? {}),
    data: typeof config.data === 'string' ? redact(tryParse(config.data)) : redact(config.data),
  } as unknown as InternalAxiosRequestConfig;
}

/** JSON text is parsed to be redacted field by field; a long text is left to `redact`, which cuts it. */
function tryParse(text: string): unknown {
  if (text.length > 65_536) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * An AxiosError for a `cause`, with its config, headers and body redacted wherever it exposes
 * them (the request's headers carry the client key and the JWT).
 */
export function redactedAxiosError(
  message: string,
  code: string | undefined,
  config: InternalAxiosRequestConfig | undefined,
  response?: AxiosResponse,
): AxiosError {
  const safe = safeConfig(config);
  const safeResponse =
    response === undefined
      ? undefined
      : ({
          status: response.status,
          statusText: response.statusText,
          headers: redactHeaders(response.headers as Record<string, unknown>),
          data: redact(typeof response.data === 'string' ? tryParse(response.data) : response.data),
          config: safe,
        } as AxiosResponse);
  return markRedacted(new AxiosError(message, code, safe, undefined, safeResponse));
}

/** The same error, re-made with its config and response redacted. */
export function redactAxiosError(error: unknown): unknown {
  if (!(error instanceof AxiosError)) return redactError(error);
  const safe = redactedAxiosError(
    redactText(error.message),
    error.code,
    error.config,
    error.response,
  );
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) Object.defineProperty(safe, 'cause', { value: redactError(cause) });
  return safe;
}
