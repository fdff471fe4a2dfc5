import { DjustClientError } from './djust-client.error.js';
import type { Assigns, EventAck, MountAck, Params } from '../protocol/ws-protocol.js';

/** Called with the whole assigns after every change, and the keys that changed. */
export type AssignsListener<A extends Assigns = Assigns> = (assigns: Readonly<A>, changed: Readonly<Partial<A>>) => void;

/**
 * A view mounted through a {@link DjustClient}. `assigns` is kept up to date
 * from every ack and every server push; it is replaced by a new object on each
 * change (never mutated), so it can feed a UI framework's state as is.
 */
export interface MountedViewHandle<A extends Assigns = Assigns> {
  /** The view's slug. */
  readonly view: string;
  /** The server's reference of the mounted instance (a new one after a remount). */
  readonly ref: string;
  /** The params the view was mounted with (used again on a remount). */
  readonly params: Readonly<Params>;
  /** The view's public assigns as the client last heard them. */
  readonly assigns: Readonly<A>;
  /**
   * Calls an `@EventHandler`; resolves its result, rejects with a
   * {@link DjustClientError}. The event carries an idempotency `id` (a new
   * UUID unless `options.id` gives one): when a disconnect loses the ack, the
   * call waits for the remount and sends the event again with the same id, and
   * the server answers with the kept ack instead of running the handler twice.
   */
  call<R = unknown>(handler: string, params?: Params, options?: CallOptions): Promise<R>;
  /** Listens to assigns changes (acks, pushes, remounts). Returns the unsubscribe function. */
  onAssigns(listener: AssignsListener<A>): () => void;
  /** Frees the view on the server. Idempotent; later calls reject with `closed`. */
  unmount(): Promise<void>;
}

/** Options of {@link MountedViewHandle.call}. */
export interface CallOptions {
  /** The event's idempotency key (1–128 characters). Default: a new UUID per call. */
  id?: string;
}

/** What a handle needs from its client. */
export interface HandleHost {
  request<T>(event: string, payload: object, onAck?: (ack: T) => void): Promise<T>;
  /** Whether an event whose ack a disconnect lost is sent again after the remount. */
  readonly resend: boolean;
  /** Waits `ms` (the pause before asking again about a key still in use). */
  sleep(ms: number): Promise<void>;
  attach(ref: string, handle: ViewHandle<any>): void;
  detach(ref: string, handle: ViewHandle<any>): void;
  readonly connected: boolean;
  report(err: unknown): void;
}

/** The {@link MountedViewHandle} implementation. */
export class ViewHandle<A extends Assigns = Assigns> implements MountedViewHandle<A> {
  ref = '';
  assigns: Readonly<A> = {} as A;
  private readonly listeners = new Set<AssignsListener<A>>();
  /** While the socket is away: calls wait for the remount. */
  private suspended = false;
  private waiters: (() => void)[] = [];
  private dead: DjustClientError | undefined;

  constructor(
    private readonly host: HandleHost,
    readonly view: string,
    readonly params: Readonly<Params>,
  ) {}

  /** Mounts (or mounts again after a reconnect): a new ref and the whole assigns. */
  async mount(): Promise<void> {
    await this.host.request<MountAck>('mount', { view: this.view, params: this.params }, (ack) => {
      if (this.dead) return;
      this.ref = ack.ref;
      this.host.attach(ack.ref, this);
      this.replace(ack.assigns ?? {});
    });
    this.resume();
  }

  async call<R = unknown>(handler: string, params: Params = {}, options: CallOptions = {}): Promise<R> {
    const id = options.id ?? newEventId();
    for (let attempt = 0; ; attempt++) {
      await this.ready();
      try {
        const ack = await this.host.request<EventAck<R>>('event', { ref: this.ref, handler, params, id }, (a) => this.apply(a.assigns));
        return ack.result;
      } catch (err) {
        if (!(err instanceof DjustClientError) || attempt >= MAX_RESENDS || !this.host.resend) throw err;
        if (err.error === 'idempotency_key_in_use') await this.host.sleep(Math.min(50 * 2 ** attempt, 2_000));
        else if (err.error !== 'disconnected' || this.dead) throw err; // a disconnect: ready() waits for the remount
      }
    }
  }

  onAssigns(listener: AssignsListener<A>): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async unmount(): Promise<void> {
    if (this.dead) return;
    const ref = this.ref;
    const wasLive = !this.suspended && this.host.connected;
    this.kill(new DjustClientError('closed', {}, 0, `The view ${this.view} was unmounted.`));
    if (!wasLive || !ref) return; // the server already forgot it
    try {
      await this.host.request('unmount', { ref });
    } catch (err) {
      if (!(err instanceof DjustClientError) || !['not_found', 'disconnected', 'closed'].includes(err.error)) throw err;
    }
  }

  /** Merges a diff (an ack's or a push's) into a new assigns object. */
  apply(diff: Assigns | undefined): void {
    if (this.dead || !diff || typeof diff !== 'object') return;
    const keys = Object.keys(diff);
    if (keys.length === 0) return;
    this.assigns = merge(merge({}, this.assigns), diff) as A;
    this.notify(diff as Partial<A>);
  }

  /** The socket went away: calls wait until {@link mount} succeeds again. */
  suspend(): void {
    if (this.dead) return;
    this.host.detach(this.ref, this);
    this.suspended = true;
  }

  /** The view is gone for good: pending and later calls reject with `reason`. */
  kill(reason: DjustClientError): void {
    if (this.dead) return;
    this.dead = reason;
    this.host.detach(this.ref, this);
    this.listeners.clear();
    this.resume();
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  private ready(): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    if (!this.suspended) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => {
      if (this.dead) throw this.dead;
    });
  }

  private resume(): void {
    this.suspended = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private replace(all: Assigns): void {
    this.assigns = merge({}, all) as A;
    this.notify(all as Partial<A>);
  }

  private notify(changed: Partial<A>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.assigns, changed);
      } catch (err) {
        this.host.report(err);
      }
    }
  }
}

/** How many times one call is sent again (after disconnects, or while its key is still in use) before it gives up. */
const MAX_RESENDS = 10;

/** A random UUID: `crypto.randomUUID` where it exists (Node, secure browser pages), else from `crypto.getRandomValues`. */
function newEventId(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === 'function') crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `Object.assign` that keeps a `__proto__` key as data instead of changing the prototype. */
function merge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(source)) {
    if (key === '__proto__') Object.defineProperty(target, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else target[key] = source[key];
  }
  return target;
}
