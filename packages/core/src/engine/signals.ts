/** Why a call was cut short: the reason its attempt and its wait are aborted with. */
export class CallAbort extends Error {
  override name = 'CallAbort' as const;
  constructor(
    /** `caller`: the caller's signal; `deadline`: the overall deadline; `poll-deadline`: polling ran out. */
    readonly why: 'caller' | 'deadline' | 'poll-deadline',
    /** The caller's abort reason, for `caller`. */
    readonly reason?: unknown,
  ) {
    super(`call aborted: ${why}`);
  }
}

/** The abort reason of an attempt whose own timeout fired. */
export class AttemptTimeout extends Error {
  override name = 'AttemptTimeout' as const;
  constructor(readonly timeoutMs: number) {
    super(`attempt timed out after ${timeoutMs} ms`);
  }
}
