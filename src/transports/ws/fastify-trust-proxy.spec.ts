import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { readFastifyTrustProxy } from './fastify-trust-proxy.js';
import { adapterTrustProxy, handshakeIp } from './handshake-ip.js';

/**
 * Fastify keeps `trustProxy` private (fastify-trust-proxy.ts). These tests run
 * against the installed fastify and fail when it moves the option or computes
 * `request.ip` differently from a socket's caller IP.
 */

const trustedFn = (address: string, hop: number) => address === '127.0.0.1' || (hop === 1 && address.startsWith('203.0.113.'));
const TRUST_VALUES: unknown[] = [undefined, false, true, '127.0.0.1', 'loopback', '10.0.0.0/8, 127.0.0.1', ['127.0.0.1', '203.0.113.0/24'], 'uniquelocal', trustedFn, 1, 2];
const PEERS = ['127.0.0.1', '10.0.0.9', '198.51.100.20'];
const FORWARDED = [undefined, '203.0.113.7', '198.51.100.1, 203.0.113.7', '10.1.2.3, 203.0.113.9, 127.0.0.1', 'not-an-ip, 203.0.113.5', ' 192.168.1.1 ,  10.0.0.1 '];

/** A Nest `FastifyAdapter`'s instance (what the gateway reads) with a route answering fastify's own `request.ip`. */
function fastifyWith(trustProxy: unknown) {
  const instance = new FastifyAdapter(trustProxy === undefined ? {} : ({ trustProxy } as never)).getInstance();
  instance.get('/ip', async (request) => ({ ip: request.ip }));
  return instance;
}

describe('readFastifyTrustProxy (fastify internals)', () => {
  it("finds the trustProxy option of a Nest FastifyAdapter's fastify instance, as passed", async () => {
    for (const value of TRUST_VALUES) {
      const instance = fastifyWith(value);
      assert.deepEqual(readFastifyTrustProxy(instance), { found: true, value }, `trustProxy: ${String(value)}`);
      await instance.close();
    }
  });

  it('reports when the option cannot be found, instead of guessing', () => {
    assert.deepEqual(readFastifyTrustProxy({}), { found: false });
    assert.deepEqual(readFastifyTrustProxy(Object.create({ [Symbol('fastify.options')]: null })), { found: false });
  });

  it("a socket's caller IP is fastify's request.ip, for every kind of trustProxy, peer and X-Forwarded-For", async () => {
    let compared = 0;
    for (const value of TRUST_VALUES) {
      const instance = fastifyWith(value);
      const trust = adapterTrustProxy('fastify', instance);
      for (const remoteAddress of PEERS) {
        for (const xff of FORWARDED) {
          const headers: Record<string, string> = xff === undefined ? {} : { 'x-forwarded-for': xff };
          const res = await instance.inject({ method: 'GET', url: '/ip', remoteAddress, headers });
          const expected = (res.json() as { ip: string }).ip;
          const label = `trustProxy ${JSON.stringify(value) ?? String(value)}, peer ${remoteAddress}, X-Forwarded-For ${JSON.stringify(xff)}`;
          assert.equal(handshakeIp({ socket: { remoteAddress }, headers }, undefined, trust), expected, label);
          compared++;
        }
      }
      await instance.close();
    }
    assert.equal(compared, TRUST_VALUES.length * PEERS.length * FORWARDED.length);
  });
});
