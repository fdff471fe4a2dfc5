import { isPassportStrategyClass } from '../auth/passport-strategy.runner.js';
import type { DjustAuthClass } from '../interfaces/djust-auth.interface.js';
import type { OpenApiWarning } from './openapi-warning.js';

/** An OpenAPI Security Scheme Object. */
export type SecuritySchemeObject = Record<string, unknown>;

/** Security schemes of the Passport strategies nestjs-djust recognises, by the strategy's passport name. */
const PASSPORT_SCHEMES: Readonly<Record<string, SecuritySchemeObject>> = {
  bearer: { type: 'http', scheme: 'bearer' },
  jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  basic: { type: 'http', scheme: 'basic' },
  digest: { type: 'http', scheme: 'digest' },
};

/** `this.name = 'bearer'` in a passport strategy constructor's source. */
const STRATEGY_NAME_RE = /\bthis\.name\s*=\s*['"]([\w-]+)['"]/;

/**
 * The passport name of a strategy class (`'bearer'`, `'jwt'`...), read from the
 * constructor chain: passport strategies set `this.name = '<name>'` in their
 * constructor (passport-http-bearer, passport-jwt, passport-http, passport-local).
 */
export function passportStrategyName(authClass: Function): string | undefined {
  for (let ctor: unknown = authClass; typeof ctor === 'function' && ctor !== Function.prototype; ctor = Object.getPrototypeOf(ctor)) {
    let source: string;
    try {
      source = Function.prototype.toString.call(ctor);
    } catch {
      continue;
    }
    const match = STRATEGY_NAME_RE.exec(source);
    if (match) return match[1];
  }
  return undefined;
}

/** The passport name guessed from a class name (`JwtStrategy` → `jwt`), for bundled/minified strategies. */
function nameFromClassName(className: string): string | undefined {
  if (/jwt/i.test(className)) return 'jwt';
  if (/bearer/i.test(className)) return 'bearer';
  if (/basic/i.test(className)) return 'basic';
  return undefined;
}

/**
 * Maps auth classes to OpenAPI security schemes, once per class, and collects
 * the schemes for `components.securitySchemes`.
 *
 * Resolution order for one class:
 * 1. its static `openapi = { name, scheme }` (own or inherited) — a class
 *    describes itself (`SessionAuth` declares a cookie `apiKey` scheme);
 * 2. a `PassportStrategy(...)` class: the passport strategy's name (from its
 *    constructor chain, else from the class name): `bearer` → http bearer,
 *    `jwt` → http bearer + `bearerFormat: JWT`, `basic`/`digest` → http;
 * 3. anything else: a generic `apiKey` scheme named after the class, plus a warning.
 *
 * Two classes yielding one scheme name with the same scheme share it; with a
 * different scheme the later one is named `<name>_<ClassName>`.
 */
export class SecuritySchemeResolver {
  /** Schemes by name, for `components.securitySchemes`. */
  readonly schemes = new Map<string, SecuritySchemeObject>();
  /** Problems found while resolving. */
  readonly warnings: OpenApiWarning[] = [];
  private readonly byClass = new Map<Function, string>();

  /** The scheme name of an auth class (registering its scheme on first use). */
  resolve(authClass: DjustAuthClass): string {
    const known = this.byClass.get(authClass);
    if (known !== undefined) return known;
    const { name, scheme } = this.describe(authClass);
    const clash = (candidate: string): boolean =>
      this.schemes.has(candidate) && JSON.stringify(this.schemes.get(candidate)) !== JSON.stringify(scheme);
    let key = name.replace(/[^A-Za-z0-9._-]/g, '_');
    if (clash(key)) {
      const base = `${key}_${(authClass.name || 'Auth').replace(/[^A-Za-z0-9._-]/g, '_')}`;
      key = base;
      for (let i = 2; clash(key); i++) key = `${base}_${i}`;
    }
    this.schemes.set(key, scheme);
    this.byClass.set(authClass, key);
    return key;
  }

  private describe(authClass: DjustAuthClass): { name: string; scheme: SecuritySchemeObject } {
    const className = authClass.name || 'AnonymousAuth';
    const declared = authClass.openapi;
    if (declared !== undefined) {
      if (declared && typeof declared.name === 'string' && declared.name && declared.scheme && typeof declared.scheme.type === 'string') {
        return { name: declared.name, scheme: { ...declared.scheme } };
      }
      this.warnings.push({ authClass: className, reason: 'static openapi must be { name: string, scheme: { type, ... } }; ignored' });
    }
    if (isPassportStrategyClass(authClass)) {
      const strategy = passportStrategyName(authClass) ?? nameFromClassName(className);
      const scheme = strategy ? PASSPORT_SCHEMES[strategy] : undefined;
      if (strategy && scheme) return { name: strategy, scheme: { ...scheme } };
      this.warnings.push({
        authClass: className,
        reason: `passport strategy${strategy ? ` "${strategy}"` : ''} has no known OpenAPI scheme; documented as a generic apiKey — declare static openapi = { name, scheme } on the class`,
      });
    } else {
      this.warnings.push({
        authClass: className,
        reason: 'no static openapi = { name, scheme } on the class; documented as a generic apiKey scheme',
      });
    }
    return {
      name: className,
      scheme: {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        description: `Authenticated by ${className} (custom auth class).`,
      },
    };
  }
}
