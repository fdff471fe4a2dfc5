import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  forwardRef,
  Inject,
  Injectable,
  Optional,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { constructorDependencies, guardsOf, interceptorsOf, methodParamTypes } from './nest-metadata.reader.js';

/**
 * The reader depends on how Nest's decorators store their metadata. These
 * tests apply the real decorators: if a Nest release changes the storage,
 * they fail here, loudly, instead of views silently losing guards,
 * interceptors or injected dependencies.
 */
@Injectable()
class Repo {}
@Injectable()
class Later {}
const TOKEN = Symbol('TOKEN');

class Guard implements CanActivate {
  canActivate(_context: ExecutionContext): boolean {
    return true;
  }
}
class Timing implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}
class Dto {}

@Injectable()
@UseGuards(Guard)
@UseInterceptors(Timing)
class Subject {
  constructor(
    readonly repo: Repo,
    @Inject(TOKEN) readonly value: string,
    @Optional() @Inject('missing') readonly missing: unknown,
    @Inject(forwardRef(() => Later)) readonly later: Later,
  ) {}

  @UseGuards(Guard, new Guard())
  @UseInterceptors(Timing)
  handle(_dto: Dto): void {}
}

describe('Nest metadata reader (fails loudly when @nestjs/common changes how it stores decorator metadata)', () => {
  it('reads constructor dependencies: types, @Inject tokens, @Optional, forwardRef', () => {
    const deps = constructorDependencies(Subject);
    assert.deepEqual(
      deps.map((d) => [d.index, d.token, d.optional]),
      [
        [0, Repo, false],
        [1, TOKEN, false],
        [2, 'missing', true],
        [3, Later, false],
      ],
    );
  });

  it('reads @UseGuards and @UseInterceptors on classes and methods', () => {
    assert.deepEqual(guardsOf(Subject), [Guard]);
    assert.deepEqual(interceptorsOf(Subject), [Timing]);
    const guards = guardsOf(Subject.prototype.handle);
    assert.equal(guards[0], Guard);
    assert.ok(guards[1] instanceof Guard);
    assert.deepEqual(interceptorsOf(Subject.prototype.handle), [Timing]);
    assert.deepEqual(guardsOf(Repo), []);
  });

  it('reads the design-time parameter types of a method', () => {
    assert.deepEqual(methodParamTypes(Subject.prototype, 'handle'), [Dto]);
  });
});
