import { classify } from '../classify/index.js';
import { isPortOneError } from '../errors/index.js';
import { redactError } from '../redact.js';
import type { Classification } from '../types.js';
import { AttemptTimeout, type Call } from './call.js';
import type { AttemptContext, AttemptResponse } from './types.js';

/** What one attempt (or one status lookup) produced. */
export interface AttemptOutcome<R> {
  readonly classification: Classification;
  readonly response?: AttemptResponse<R>;
  /** The error to put on a failure: the transport's error, or the adapter's for an answer. */
  readonly cause?: unknown;
  /** How long the request took, in ms. */
  readonly durationMs: number;
}

const TIMED_OUT: Classification = Object.freeze({
  kind: 'transport',
  series: 'transport',
  transport: 'timeout',
  ambiguous: true,
});

/**
 * Sends one request under the attempt's timeout and the call's signal, and classifies what came
 * back. The signal aborts on either; the attempt settles at once when it does, whether or not
 * the client honours the signal. Rejects only with the call's own abort (caller, deadline), or
 * with a PortOneError raised before anything was sent (a token that could not be had): the
 * loop decides what those mean.
 */
export async function runAttempt<R>(
  call: Call<R>,
  attempt: number,
  request: (context: AttemptContext) => Promise<AttemptResponse<R>>,
): Promise<AttemptOutcome<R>> {
  const timeoutMs = call.policy.settings.attemptTimeoutMs;
  const signal = call.startAttempt(timeoutMs);
  const started = call.scope.now();
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    if (signal.aborted) throw signal.reason;
    const response = await Promise.race([request({ attempt, signal, timeoutMs }), aborted]);
    const durationMs = call.scope.now() - started;
    return { classification: classifyAnswer(response), response, durationMs };
  } catch (error) {
    const durationMs = call.scope.now() - started;
    const cut = call.abortReason;
    if (cut !== undefined) throw cut;
    if (isPortOneError(error)) throw error;
    if (signal.reason instanceof AttemptTimeout) {
      return { classification: TIMED_OUT, cause: error, durationMs };
    }
    return { classification: classify({ error }), cause: redactError(error), durationMs };
  } finally {
    signal.removeEventListener('abort', onAbort);
    call.endAttempt();
    // The race's loser must not surface as an unhandled rejection.
    aborted.catch(() => {});
  }
}

function classifyAnswer<R>(response: AttemptResponse<R>): Classification {
  return classify({
    httpStatus: response.httpStatus,
    headers: response.headers as Headers,
    body: response.body,
  });
}
