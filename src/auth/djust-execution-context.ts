import type { ContextType, ExecutionContext, Type } from '@nestjs/common';
import type { CallContext } from '../protocol/call-context.js';

type HttpArgumentsHost = ReturnType<ExecutionContext['switchToHttp']>;
type WsArgumentsHost = ReturnType<ExecutionContext['switchToWs']>;
type RpcArgumentsHost = ReturnType<ExecutionContext['switchToRpc']>;

/** What a guard is being asked about. */
export interface DjustGuardTarget {
  /** The view class (`getClass()`). */
  readonly viewClass: Type<unknown>;
  /** The handler method, or the view's `mount` for view-level guards (`getHandler()`). */
  readonly handler: Function;
  /** The WS pattern (`switchToWs().getPattern()`): the handler name, or `'mount'`. */
  readonly pattern: string;
}

/**
 * The `ExecutionContext` handed to the app's own guards (`@UseGuards()` on a
 * view or a handler) on both transports, built by hand so no Nest internals are
 * involved.
 *
 * - `getType()` is `'http'` or `'ws'`.
 * - `switchToHttp().getRequest()` is the request the auth classes saw (the
 *   HTTP request, or `socket.request` over WS), seen through an object that
 *   adds `user` (the authenticated user, `null` when anonymous) without
 *   modifying the request — so the usual `getRequest().user` works everywhere.
 * - `switchToWs()` gives the socket (`getClient()`, `undefined` over HTTP), the
 *   call's params (`getData()`) and the pattern.
 * - `getArgs()` is `[request, undefined, undefined]` over HTTP, `[socket, data]` over WS.
 */
export class DjustExecutionContext implements ExecutionContext {
  private requestView: unknown;

  constructor(
    private readonly ctx: CallContext,
    private readonly user: unknown,
    private readonly target: DjustGuardTarget,
    private readonly data: unknown,
  ) {}

  getClass<T = any>(): Type<T> {
    return this.target.viewClass as Type<T>;
  }

  getHandler(): Function {
    return this.target.handler;
  }

  getType<TContext extends string = ContextType>(): TContext {
    return this.ctx.transport as TContext;
  }

  getArgs<T extends Array<any> = any[]>(): T {
    return (this.ctx.transport === 'ws' ? [this.ctx.socket, this.data] : [this.request(), undefined, undefined]) as T;
  }

  getArgByIndex<T = any>(index: number): T {
    return this.getArgs()[index] as T;
  }

  switchToHttp(): HttpArgumentsHost {
    return {
      getRequest: <T = any>() => this.request() as T,
      getResponse: <T = any>() => undefined as T,
      getNext: <T = any>() => undefined as T,
    };
  }

  switchToWs(): WsArgumentsHost {
    return {
      getClient: <T = any>() => this.ctx.socket as T,
      getData: <T = any>() => this.data as T,
      getPattern: () => this.target.pattern,
    };
  }

  switchToRpc(): RpcArgumentsHost {
    return {
      getData: <T = any>() => this.data as T,
      getContext: <T = any>() => undefined as T,
    };
  }

  /** The request with `user` set to the authenticated user, built once per context. */
  private request(): unknown {
    if (this.requestView === undefined) this.requestView = withUser(this.ctx.request, this.user);
    return this.requestView;
  }
}

function withUser(request: unknown, user: unknown): unknown {
  if (request == null || typeof request !== 'object') return request;
  if ((request as { user?: unknown }).user === user) return request;
  return Object.create(request, { user: { value: user, enumerable: true, writable: true, configurable: true } });
}
