import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Strategy as LocalStrategy } from 'passport-local';
import { passportStrategyName, SecuritySchemeResolver } from './security-scheme.resolver.js';

class SessionLike {
  static readonly csrf = true;
  static readonly openapi = { name: 'session', scheme: { type: 'apiKey', in: 'cookie', name: 'connect.sid' } };
  authenticate(): unknown {
    return null;
  }
}

class TokenBearer extends PassportStrategy(BearerStrategy, 'bearer') {
  validate(token: string): unknown {
    return token;
  }
}

class OtherBearer extends PassportStrategy(BearerStrategy, 'other-bearer') {
  validate(token: string): unknown {
    return token;
  }
}

class Jwt extends PassportStrategy(JwtStrategy, 'jwt') {
  constructor() {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: 's' });
  }
  validate(payload: unknown): unknown {
    return payload;
  }
}

class Local extends PassportStrategy(LocalStrategy) {
  validate(): unknown {
    return null;
  }
}

class Plain {
  authenticate(): unknown {
    return null;
  }
}

describe('SecuritySchemeResolver', () => {
  it('uses a class\'s static openapi scheme (SessionAuth declares its cookie)', () => {
    const resolver = new SecuritySchemeResolver();
    assert.equal(resolver.resolve(SessionLike), 'session');
    assert.deepEqual(resolver.schemes.get('session'), { type: 'apiKey', in: 'cookie', name: 'connect.sid' });
    assert.deepEqual(resolver.warnings, []);
  });

  it('derives http bearer for a passport-http-bearer strategy and bearer+JWT for passport-jwt, without instantiating them', () => {
    const resolver = new SecuritySchemeResolver();
    assert.equal(passportStrategyName(TokenBearer), 'bearer');
    assert.equal(passportStrategyName(Jwt), 'jwt');
    assert.equal(resolver.resolve(TokenBearer), 'bearer');
    assert.equal(resolver.resolve(Jwt), 'jwt');
    assert.deepEqual(resolver.schemes.get('bearer'), { type: 'http', scheme: 'bearer' });
    assert.deepEqual(resolver.schemes.get('jwt'), { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    assert.deepEqual(resolver.warnings, []);
  });

  it('shares one scheme between classes that describe the same thing', () => {
    const resolver = new SecuritySchemeResolver();
    assert.equal(resolver.resolve(TokenBearer), 'bearer');
    assert.equal(resolver.resolve(OtherBearer), 'bearer');
    assert.equal(resolver.schemes.size, 1);
  });

  it('falls back to a generic apiKey named after the class, with a warning, for unknown classes and strategies', () => {
    const resolver = new SecuritySchemeResolver();
    assert.equal(resolver.resolve(Plain), 'Plain');
    assert.equal(resolver.resolve(Local), 'Local');
    assert.equal(resolver.schemes.get('Plain')!.type, 'apiKey');
    assert.deepEqual(resolver.warnings.map((w) => w.authClass), ['Plain', 'Local']);
    assert.match(resolver.warnings[1].reason, /"local"/);
  });

  it('renames a clashing scheme name with different content', () => {
    class A {
      static openapi = { name: 'key', scheme: { type: 'apiKey', in: 'header', name: 'X-A' } };
    }
    class B {
      static openapi = { name: 'key', scheme: { type: 'apiKey', in: 'header', name: 'X-B' } };
    }
    const resolver = new SecuritySchemeResolver();
    assert.equal(resolver.resolve(A), 'key');
    assert.equal(resolver.resolve(B), 'key_B');
  });
});
