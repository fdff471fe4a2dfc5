/**
 * Formatting for logs and labels that never throws, whatever it is given.
 *
 * `String(x)`, a template literal or `+` call `x[Symbol.toPrimitive]`,
 * `toString` and `valueOf`: on an object whose `toString` is not a function —
 * which any JSON message can carry (`{"toString": 1}`) — they throw
 * `TypeError: Cannot convert object to primitive value`. Untrusted values and
 * thrown values (a handler may throw anything) go through these functions
 * instead, so building a log line can never fail. Strings are quoted with
 * JSON escapes, so a value cannot forge a log line with a newline.
 */

/** Longest rendering of one value in a label. */
const MAX_LABEL = 120;

/**
 * A short, single-line description of any value: a string quoted and
 * truncated, a number/boolean/bigint/null/undefined as written, and only the
 * kind of anything else (`[object]`, `[array(3)]`, `[function]`, `[symbol]`).
 * Never reads a property of an object, so it runs no code of the value's.
 */
export function describeValue(value: unknown, max = MAX_LABEL): string {
  switch (typeof value) {
    case 'string': {
      const quoted = JSON.stringify(value.length > max ? value.slice(0, max) : value);
      return value.length > max ? `${quoted}…(${value.length} chars)` : quoted;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'symbol':
      return '[symbol]';
    case 'function':
      return '[function]';
    default:
      if (value === null) return 'null';
      return Array.isArray(value) ? `[array(${value.length})]` : '[object]';
  }
}

/**
 * A name for a log label: the string itself when it is a short string of
 * printable characters (a slug, a handler name), else {@link describeValue}.
 */
export function labelOf(value: unknown): string {
  return typeof value === 'string' && value.length <= MAX_LABEL && /^[\x21-\x7e]*$/.test(value) && value.length > 0 ? value : describeValue(value);
}

/**
 * The server-side detail of a thrown value for the log: an `Error`'s stack
 * (or `name: message`), anything else through {@link describeValue}. Never
 * throws, even for an error whose `stack`, `name` or `message` is a hostile
 * getter or object.
 */
export function errorDetail(err: unknown): string {
  try {
    if (err instanceof Error) {
      const stack: unknown = err.stack;
      if (typeof stack === 'string' && stack.length > 0) return stack;
      const name: unknown = err.name;
      const message: unknown = err.message;
      return `${typeof name === 'string' ? name : 'Error'}: ${typeof message === 'string' ? message : describeValue(message)}`;
    }
  } catch {
    // a getter threw: fall through to the kind of the value
  }
  return describeValue(err);
}

/** The message of a thrown value for a short log line (no stack); never throws. */
export function errorMessage(err: unknown): string {
  try {
    if (err instanceof Error && typeof err.message === 'string') return err.message;
  } catch {
    // a getter threw
  }
  return describeValue(err);
}
