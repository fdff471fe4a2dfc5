import type { CanActivate, Type } from '@nestjs/common';
import type { CallContext } from '../../src/protocol/call-context.js';
import type { HandlerRecord, ViewRecord } from '../../src/discovery/view-record.interface.js';

/** A minimal `ViewRecord` for auth unit tests. */
export function authView(overrides: Partial<ViewRecord> = {}): ViewRecord {
  class TestView {
    mount(): void {}
  }
  return {
    slug: 'test',
    viewClass: TestView as unknown as ViewRecord['viewClass'],
    authClasses: [],
    csrfExempt: false,
    loginRequired: false,
    permissions: [],
    guards: [],
    interceptors: [],
    handlers: new Map(),
    hasApiMount: false,
    dependencyKeys: new Set(),
    create: () => {
      throw new Error('not used');
    },
    ...overrides,
  };
}

/** A minimal `HandlerRecord` for auth unit tests. */
export function authHandler(overrides: Partial<HandlerRecord> = {}): HandlerRecord {
  function refund(): void {}
  return {
    name: 'refund',
    options: { exposeApi: true, exposeMcp: false, deprecated: false },
    dtoType: undefined as Type | undefined,
    paramsSchema: undefined,
    arity: 0,
    permissions: [],
    rateLimit: undefined,
    bucket: 'test:refund',
    guards: [] as CanActivate[],
    interceptors: [],
    method: refund,
    ...overrides,
  };
}

/** A `CallContext` over HTTP (default) or WS, with lower-cased headers copied onto the request. */
export function authCtx(
  options: {
    transport?: 'http' | 'ws';
    headers?: Record<string, string | string[] | undefined>;
    session?: Record<string, any>;
    request?: Record<string, any>;
    socket?: unknown;
  } = {},
): CallContext {
  const headers = options.headers ?? {};
  const request = options.request ?? { headers, session: options.session };
  const transport = options.transport ?? 'http';
  return {
    transport,
    request,
    headers,
    ip: '127.0.0.1',
    session: options.session,
    httpRequest: transport === 'http' ? request : undefined,
    socket: options.socket,
  };
}

/** A logger that records what it is given. */
export function authLogger(): { warn: (m: unknown) => void; error: (m: unknown, s?: unknown) => void; debug: (m: unknown) => void; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (m) => lines.push(`warn ${String(m)}`),
    error: (m, s) => lines.push(`error ${String(m)} ${String(s ?? '')}`),
    debug: (m) => lines.push(`debug ${String(m)}`),
  };
}
