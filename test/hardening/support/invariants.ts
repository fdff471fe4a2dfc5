import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ERROR_STATUS } from '../../../src/index.js';

/**
 * The invariants every answer of the djust API must hold, whatever the input:
 * the documented envelope, no 5xx other than a handler's own failure, no
 * leaked message or stack, built-in prototypes untouched.
 */

/** Text that must never reach a client: the `boom` handler's secret, stack frames, file paths, debug tracebacks. */
export const LEAK_PATTERNS: readonly RegExp[] = [
  /hunter2/i,
  /secret database password/i,
  /\n\s+at\s/,
  /\bat [^\s()]+ \((?:file:|node:|\/)/,
  /node_modules/,
  /"traceback"/,
  /"stack"/,
];

/** Handlers of the core fixture that fail by their own code: they throw, or return what cannot be serialized. */
export const SELF_FAILING_HANDLERS: ReadonlySet<string> = new Set(['boom', 'cyclic', 'big', 'whoami']);

/** An invariant violation, with the evidence. */
export class InvariantError extends Error {
  constructor(message: string, readonly evidence: unknown) {
    super(`${message}\nevidence: ${preview(evidence)}`);
    this.name = 'InvariantError';
  }
}

/** A short printable preview of any value. */
export function preview(value: unknown, max = 600): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return text === undefined ? 'undefined' : text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Throws when `text` holds anything of {@link LEAK_PATTERNS}. */
export function assertNoLeak(text: string, where: string): void {
  for (const pattern of LEAK_PATTERNS) {
    if (pattern.test(text)) throw new InvariantError(`${where}: leaked ${pattern}`, text);
  }
}

/**
 * Checks an error body `{ error, details[, message] }` (plus `status` on a WS ack):
 * a known kind, plain-object details, a string message, the status of the kind.
 */
export function assertErrorEnvelope(body: unknown, status: number, where: string, extraKeys: readonly string[] = []): void {
  if (!isPlainObject(body)) throw new InvariantError(`${where}: error body is not an object`, body);
  const allowed = new Set(['error', 'details', 'message', ...extraKeys]);
  for (const key of Object.keys(body)) if (!allowed.has(key)) throw new InvariantError(`${where}: unexpected key "${key}" in an error body`, body);
  const kind = body.error;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(ERROR_STATUS, kind)) throw new InvariantError(`${where}: unknown error kind`, body);
  if (ERROR_STATUS[kind as keyof typeof ERROR_STATUS] !== status) throw new InvariantError(`${where}: status ${status} does not match the kind ${kind}`, body);
  if (!isPlainObject(body.details)) throw new InvariantError(`${where}: details is not an object`, body);
  if ('message' in body && typeof body.message !== 'string') throw new InvariantError(`${where}: message is not a string`, body);
}

/** Checks a success body `{ result, assigns }`. */
export function assertSuccessEnvelope(body: unknown, where: string): void {
  if (!isPlainObject(body)) throw new InvariantError(`${where}: success body is not an object`, body);
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'assigns,result') throw new InvariantError(`${where}: success body keys are ${keys}`, body);
  if (!isPlainObject(body.assigns)) throw new InvariantError(`${where}: assigns is not an object`, body);
}

/** What is known about the call that produced an answer, to judge a 5xx. */
export interface CallFacts {
  /** The handler name as the server decoded it (`undefined` when it could not be known). */
  readonly handler: string | undefined;
  /** The view slug as the server decoded it. */
  readonly view: string | undefined;
}

/**
 * A 5xx is only acceptable as a 500 `handler_error` from a self-failing handler
 * of the `order` view — or as one of the `expected` statuses a fault test
 * provokes on purpose (504 timeout, 503 store down).
 */
export function assertNo5xx(status: number, body: unknown, facts: CallFacts, where: string, expected: readonly number[] = []): void {
  if (status < 500 || expected.includes(status)) return;
  const kind = isPlainObject(body) ? body.error : undefined;
  const own = status === 500 && kind === 'handler_error' && facts.view === 'order' && facts.handler !== undefined && SELF_FAILING_HANDLERS.has(facts.handler);
  if (!own) throw new InvariantError(`${where}: ${status} for ${facts.view}.${facts.handler}`, body);
}

/** Checks one HTTP answer of the djust API. */
export function assertHttpAnswer(
  res: { status: number; headers: Record<string, string | string[] | undefined>; text: string },
  facts: CallFacts,
  where: string,
  expected5xx: readonly number[] = [],
): void {
  assertNoLeak(res.text, where);
  const type = String(res.headers['content-type'] ?? '');
  if (!/^application\/json\b/.test(type)) throw new InvariantError(`${where}: content-type ${type} (status ${res.status})`, res.text);
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new InvariantError(`${where}: body is not JSON (status ${res.status})`, res.text);
  }
  assertNo5xx(res.status, body, facts, where, expected5xx);
  if (res.status === 200 || res.status === 201) assertSuccessEnvelope(body, where);
  else assertErrorEnvelope(body, res.status, where);
}

/** Checks one WS ack: a success shape for `kind`, or an error envelope with `status`. */
export function assertWsAck(ack: unknown, kind: 'mount' | 'event' | 'unmount', facts: CallFacts, where: string, expected5xx: readonly number[] = []): void {
  assertNoLeak(preview(ack, Number.MAX_SAFE_INTEGER), where);
  if (!isPlainObject(ack)) throw new InvariantError(`${where}: ack is not an object`, ack);
  if ('error' in ack) {
    const status = ack.status;
    if (typeof status !== 'number') throw new InvariantError(`${where}: error ack without a status`, ack);
    assertNo5xx(status, ack, facts, where, expected5xx);
    assertErrorEnvelope(ack, status, where, ['status']);
    return;
  }
  if (kind === 'mount') {
    if (typeof ack.ref !== 'string' || !isPlainObject(ack.assigns) || Object.keys(ack).length !== 2) throw new InvariantError(`${where}: bad mount ack`, ack);
  } else if (kind === 'event') {
    assertSuccessEnvelope(ack, where);
  } else if (ack.ok !== true || Object.keys(ack).length !== 1) {
    throw new InvariantError(`${where}: bad unmount ack`, ack);
  }
}

/** Own property names of the built-in prototypes an attacker would pollute. */
export function prototypeSnapshot(): string {
  const protos: [string, object][] = [
    ['Object', Object.prototype],
    ['Array', Array.prototype],
    ['Function', Function.prototype],
    ['String', String.prototype],
    ['Number', Number.prototype],
    ['Boolean', Boolean.prototype],
  ];
  return protos.map(([name, proto]) => `${name}:${Reflect.ownKeys(proto).map(String).sort().join(',')}`).join('\n');
}

/** Throws when a built-in prototype gained or lost a property, or a fresh object inherits something odd. */
export function assertPrototypesUntouched(baseline: string, where: string): void {
  const now = prototypeSnapshot();
  if (now !== baseline) throw new InvariantError(`${where}: a built-in prototype changed`, now);
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'isAdmin', 'x', 'a', 'status', 'order_id']) {
    if (probe[key] !== undefined) throw new InvariantError(`${where}: Object.prototype.${key} is set`, probe[key]);
  }
}

let gcFn: (() => void) | undefined;

/** Runs a full garbage collection (enabling `gc` at runtime when node was not started with `--expose-gc`). */
export function collectGarbage(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = (globalThis as { gc?: () => void }).gc ?? (runInNewContext('gc') as () => void);
  }
  gcFn();
  gcFn();
}

/** `heapUsed` after a full collection, bytes. */
export function heapAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
