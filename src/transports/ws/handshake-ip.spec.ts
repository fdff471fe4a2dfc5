import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

  it('reads express\'s compiled trust proxy setting only', () => {
    const fn = () => true;
    assert.equal(adapterTrustProxy('express', { get: (k: string) => (k === 'trust proxy fn' ? fn : undefined) }), fn);
    assert.equal(adapterTrustProxy('fastify', {}), undefined);
    assert.equal(adapterTrustProxy('express', {}), undefined);
  });
});
