import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ExpressAdapter } from '@nestjs/platform-express';
import { adapterTrustProxy, handshakeIp } from './handshake-ip.js';

const req = (remoteAddress: string, xff?: string) => ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } });
const loopback = (a: string) => a === '127.0.0.1' || a === '::ffff:127.0.0.1' || a === '::1';

describe('handshakeIp', () => {
  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    assert.equal(handshakeIp(req('10.0.0.9', '203.0.113.1'), undefined, undefined), '10.0.0.9');
    assert.equal(handshakeIp({ headers: {} }, '10.0.0.8', undefined), '10.0.0.8');
  });

  it('walks X-Forwarded-For while each hop is trusted, like proxy-addr', () => {
    assert.equal(handshakeIp(req('127.0.0.1', '203.0.113.7'), undefined, loopback), '203.0.113.7');
    assert.equal(handshakeIp(req('127.0.0.1', '198.51.100.1, 127.0.0.1'), undefined, loopback), '198.51.100.1');
    assert.equal(handshakeIp(req('127.0.0.1', '203.0.113.7, 198.51.100.1'), undefined, loopback), '198.51.100.1', 'stops at the first untrusted hop');
    assert.equal(handshakeIp(req('10.0.0.9', '203.0.113.7'), undefined, loopback), '10.0.0.9', 'an untrusted peer');
    assert.equal(handshakeIp(req('127.0.0.1'), undefined, loopback), '127.0.0.1');
    assert.equal(handshakeIp(req('127.0.0.1', '1.1.1.1, 2.2.2.2, 3.3.3.3'), undefined, (_a, hop) => hop < 2), '2.2.2.2', 'a hop count');
  });

  it('never trusts a proxy on another adapter, or without an app', () => {
    assert.equal(adapterTrustProxy('ws', { get: () => true }), undefined);
    assert.equal(adapterTrustProxy('express', undefined), undefined);
  });
});

const trustedFn = (address: string, hop: number) => address === '127.0.0.1' || (hop === 1 && address.startsWith('203.0.113.'));
const TRUST_VALUES: unknown[] = [false, true, '127.0.0.1', 'loopback', '10.0.0.0/8, 127.0.0.1', ['127.0.0.1', '203.0.113.0/24'], 'uniquelocal', trustedFn, 0, 1, 2, 3];
const FORWARDED = [undefined, '203.0.113.7', '198.51.100.1, 203.0.113.7', '10.1.2.3, 203.0.113.9, 127.0.0.1', 'not-an-ip, 203.0.113.5', ' 192.168.1.1 ,  10.0.0.1 '];

describe("adapterTrustProxy on express (its public 'trust proxy' setting)", () => {
  it("a socket's caller IP is express's req.ip, for every kind of setting and X-Forwarded-For, read live", async () => {
    // A Nest ExpressAdapter's instance: what the gateway reads. A real server, real requests from 127.0.0.1.
    const app = new ExpressAdapter().getInstance();
    app.get('/ip', (req: { ip?: string }, res: { json(body: unknown): void }) => res.json({ ip: req.ip }));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ip`;
    let compared = 0;
    try {
      for (const value of TRUST_VALUES) {
        app.set('trust proxy', value);
        const trust = adapterTrustProxy('express', app);
        for (const xff of FORWARDED) {
          const headers: Record<string, string> = xff === undefined ? {} : { 'x-forwarded-for': xff };
          const expected = ((await (await fetch(url, { headers })).json()) as { ip: string }).ip;
          const label = `trust proxy ${JSON.stringify(value) ?? String(value)}, X-Forwarded-For ${JSON.stringify(xff)}`;
          assert.equal(handshakeIp({ socket: { remoteAddress: '127.0.0.1' }, headers }, undefined, trust), expected, label);
          compared++;
        }
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    assert.equal(compared, TRUST_VALUES.length * FORWARDED.length);
  });
});
