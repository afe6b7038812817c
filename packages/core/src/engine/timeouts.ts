/**
 * Attempt timeouts without a Node timer each. Making and clearing a timer per attempt is among
 * the costliest steps of a call that succeeds at once (a `Timeout` object, an async id, a call
 * into the event loop for its clock, a list insert and removal). Timeouts are kept instead in one
 * list per duration, in the order they were started, which is the order they fall due; each list
 * keeps one timer, armed for its oldest entry while it has any entry at all (an idle engine holds
 * no timer). Starting and stopping a timeout is a list append and an unlink.
 *
 * Time is read from `performance.now()`: monotonic, so a wall-clock step neither fires timeouts
 * early nor holds them back. The entry a list's timer was armed for is due when the timer fires,
 * whatever the clock says, so fake timers that replace `setTimeout` and not the clock (Node's
 * `mock.timers` with `setTimeout` only) still time attempts out: a lone attempt exactly, and
 * others at the latest a duration late.
 */

/** Something with a timeout: an entry of its duration's list while the timeout runs. */
export interface TimeoutEntry {
  /** When it falls due, on the `performance.now()` clock. */
  timeoutDue: number;
  /** The list it is in while its timeout runs. */
  timeoutList: TimeoutList | undefined;
  timeoutPrevious: TimeoutEntry | undefined;
  timeoutNext: TimeoutEntry | undefined;
  /** Called once, when its time has come and it was not stopped first. */
  timeOut(): void;
}

/** The running timeouts of one duration, oldest first. */
export class TimeoutList {
  first: TimeoutEntry | undefined = undefined;
  last: TimeoutEntry | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The entry the timer was armed for, while it runs: due when the timer fires. */
  armedFor: TimeoutEntry | undefined = undefined;
}

/** Arms `list`'s timer for its oldest entry, `first`, in `ms`. */
function arm(list: TimeoutList, first: TimeoutEntry, ms: number): void {
  list.timer = setTimeout(sweep, ms, list);
  list.armedFor = first;
}

/** One list per duration in use (an engine's calls mostly share one). */
const lists = new Map<number, TimeoutList>();

/** Starts `entry`'s timeout: its `timeOut` runs in `ms` unless `stopTimeout` comes first. */
export function startTimeout(entry: TimeoutEntry, ms: number): void {
  if (entry.timeoutList !== undefined) stopTimeout(entry);
  let list = lists.get(ms);
  if (list === undefined) {
    list = new TimeoutList();
    lists.set(ms, list);
  }
  entry.timeoutDue = performance.now() + ms;
  entry.timeoutList = list;
  const last = list.last;
  entry.timeoutPrevious = last;
  entry.timeoutNext = undefined;
  if (last === undefined) {
    list.first = entry;
    if (list.timer === undefined) arm(list, entry, ms);
  } else {
    last.timeoutNext = entry;
  }
  list.last = entry;
}

/** Stops `entry`'s timeout, if it runs. */
export function stopTimeout(entry: TimeoutEntry): void {
  const list = entry.timeoutList;
  if (list === undefined) return;
  const previous = entry.timeoutPrevious;
  const next = entry.timeoutNext;
  entry.timeoutList = undefined;
  entry.timeoutPrevious = undefined;
  entry.timeoutNext = undefined;
  if (list.armedFor === entry) list.armedFor = undefined;
  if (previous === undefined) list.first = next;
  else previous.timeoutNext = next;
  if (next === undefined) list.last = previous;
  else next.timeoutPrevious = previous;
  if (list.first === undefined && list.timer !== undefined) {
    clearTimeout(list.timer);
    list.timer = undefined;
    list.armedFor = undefined;
  }
}

/** Ends `entry`'s timeout: it has fallen due. */
function end(entry: TimeoutEntry): void {
  stopTimeout(entry);
  try {
    entry.timeOut();
  } catch {
    // One entry's end must not keep the others from theirs.
  }
}

/**
 * Ends every entry of `list` that has fallen due, oldest first, and re-arms for the rest. The
 * entry the timer was armed for is still the oldest, if it runs at all, and has fallen due.
 */
function sweep(list: TimeoutList): void {
  const armed = list.armedFor;
  list.timer = undefined;
  list.armedFor = undefined;
  const now = performance.now();
  if (armed !== undefined && list.first === armed) end(armed);
  let entry = list.first;
  while (entry !== undefined && entry.timeoutDue <= now) {
    end(entry);
    entry = list.first;
  }
  if (entry !== undefined && list.timer === undefined) {
    // At least 1 ms: the event loop's clock can lag `performance.now()` by a fraction of one.
    arm(list, entry, Math.max(1, Math.ceil(entry.timeoutDue - now)));
  }
}
