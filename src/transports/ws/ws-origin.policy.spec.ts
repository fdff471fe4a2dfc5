import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WsOriginPolicy } from './ws-origin.policy.js';

describe('WsOriginPolicy', () => {
  const policy = new WsOriginPolicy(['https://app.example.com', 'http://localhost:5173/', 'not an origin']);
  const cookie = 'sid=1';

  it('lets through handshakes without cookies or without an Origin', () => {
    assert.ok(policy.allows({ host: 'api.example.com', origin: 'https://evil.example' }));
    assert.ok(policy.allows({ host: 'api.example.com', cookie }));
  });

  it('allows the Host origin, whatever the case and default port', () => {
    assert.ok(policy.allows({ host: 'api.example.com', cookie, origin: 'https://api.example.com' }));
    assert.ok(policy.allows({ host: 'API.example.com:443', cookie, origin: 'https://api.example.com' }));
    assert.ok(policy.allows({ host: '127.0.0.1:3000', cookie, origin: 'http://127.0.0.1:3000' }));
  });

  it('allows listed origins (normalized)', () => {
    assert.ok(policy.allows({ host: 'api.example.com', cookie, origin: 'https://APP.example.com:443' }));
    assert.ok(policy.allows({ host: 'api.example.com', cookie, origin: 'http://localhost:5173' }));
  });

  it('refuses everything else', () => {
    for (const origin of ['https://evil.example', 'https://api.example.com.evil.example', 'http://127.0.0.1:3001', 'null', 'file://', 'javascript:alert(1)', '']) {
      assert.equal(policy.allows({ host: origin === 'http://127.0.0.1:3001' ? '127.0.0.1:3000' : 'api.example.com', cookie, origin }), false, origin);
    }
    assert.equal(policy.allows({ cookie, origin: 'https://api.example.com' }), false, 'no Host');
    assert.equal(policy.allows({ host: 'api.example.com', cookie, origin: ['https://api.example.com', 'https://evil.example'] }), false, 'two Origins');
    assert.equal(policy.allows({ host: 'api.example.com', cookie, origin: 'https://api.example.com', 'x-forwarded-host': 'evil.example' }), true);
    assert.equal(policy.allows({ host: 'api.example.com', cookie, origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' }), false, 'X-Forwarded-Host is not trusted');
  });
});
