import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DjustClient, type DjustSocket } from './djust-client.js';
import { DjustClientError } from './djust-client.error.js';

/** A socket.io-like socket whose acks and pushes the test delivers by hand. */
class FakeSocket {
  connected = true;
  active = true;
  readonly sent: { event: string; payload: any; ack?: (a: unknown) => void }[] = [];
  private readonly listeners = new Map<string, Set<(...a: any[]) => void>>();

  emit(event: string, payload: unknown, ack?: (a: unknown) => void): this {
    this.sent.push({ event, payload, ack });
    return this;
  }
  on(event: string, fn: (...a: any[]) => void): this {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
    return this;
  }
  off(event: string, fn: (...a: any[]) => void): this {
    this.listeners.get(event)?.delete(fn);
    return this;
  }
  disconnect(): this {
    this.connected = false;
    return this;
  }
  fire(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(...args);
  }
  last(event: string) {
    const found = [...this.sent].reverse().find((s) => s.event === event);
    assert.ok(found, `nothing sent on ${event}`);
    return found;
  }
}

const socketOf = (fake: FakeSocket) => fake as unknown as DjustSocket;

async function mounted(fake: FakeSocket, client: DjustClient, assigns: Record<string, unknown> = { n: 0 }) {
  const handle = client.mount('v');
  fake.last('mount').ack!({ ref: 'r1', assigns });
  return handle;
}

describe('DjustClient (unit)', () => {
  it('applies an ack diff before a push that follows it in the same tick', async () => {
    const fake = new FakeSocket();
    const client = new DjustClient(socketOf(fake));
    const view = await mounted(fake, client, { n: 0, m: 0 });
    const call = view.call('inc');
    await Promise.resolve();
    fake.last('event').ack!({ result: 1, assigns: { n: 1 } });
    fake.fire('assigns', { ref: 'r1', assigns: { n: 2, m: 5 } });
    assert.equal(await call, 1);
    assert.deepEqual(view.assigns, { n: 2, m: 5 });
  });

  it('keeps a __proto__ assign as data', async () => {
    const fake = new FakeSocket();
    const client = new DjustClient(socketOf(fake));
    const view = await mounted(fake, client);
    fake.fire('assigns', { ref: 'r1', assigns: JSON.parse('{"__proto__": {"polluted": true}}') });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(view.assigns), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(view.assigns, '__proto__')?.value, { polluted: true });
  });

  it('ignores pushes for unknown refs and malformed pushes', async () => {
    const fake = new FakeSocket();
    const client = new DjustClient(socketOf(fake));
    const view = await mounted(fake, client);
    fake.fire('assigns', { ref: 'other', assigns: { n: 9 } });
    fake.fire('assigns', null);
    fake.fire('assigns', { ref: 'r1', assigns: 'nope' });
    assert.deepEqual(view.assigns, { n: 0 });
  });

  it('frees a view whose mount ack came after the timeout', async () => {
    const fake = new FakeSocket();
    const client = new DjustClient(socketOf(fake), { timeout: 1 });
    const mount = client.mount('v');
    const { ack } = fake.last('mount');
    await assert.rejects(mount, { error: 'timeout' });
    ack!({ ref: 'late', assigns: {} });
    assert.deepEqual(fake.last('unmount').payload, { ref: 'late' });
  });

  it('reports a throwing listener and still notifies the others', async () => {
    const fake = new FakeSocket();
    const errors: unknown[] = [];
    const client = new DjustClient(socketOf(fake), { onError: (e) => errors.push(e) });
    const view = await mounted(fake, client);
    const seen: unknown[] = [];
    view.onAssigns(() => {
      throw new Error('listener bug');
    });
    view.onAssigns((_a, changed) => seen.push(changed));
    fake.fire('assigns', { ref: 'r1', assigns: { n: 1 } });
    assert.deepEqual(seen, [{ n: 1 }]);
    assert.equal((errors[0] as Error).message, 'listener bug');
  });

  it('turns an error ack into a DjustClientError', async () => {
    const fake = new FakeSocket();
    const client = new DjustClient(socketOf(fake));
    const mount = client.mount('v');
    fake.last('mount').ack!({ error: 'validation_error', details: { id: ['This field is required.'] }, status: 400 });
    const err = await mount.catch((e: unknown) => e);
    assert.ok(err instanceof DjustClientError);
    assert.equal(err.message, '400 validation_error (id: This field is required.)');
    assert.deepEqual(client.views, []);
  });
});
