import { getMetadataStorage, validate, Validator, type MetadataStorage, type ValidationError, type ValidatorOptions } from 'class-validator';
import { packageRequire } from '../common/package-require.js';

type ValidationMetadatas = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;

/** What a class-validator `ValidationExecutor` offers (`class-validator/cjs/validation/ValidationExecutor.js`). */
interface Executor {
  metadataStorage: MetadataStorage;
  awaitingPromises: Promise<unknown>[];
  execute(object: object, targetSchema: string | undefined, errors: ValidationError[]): void;
  stripEmptyErrors(errors: ValidationError[]): ValidationError[];
}
type ExecutorClass = new (validator: Validator, options?: ValidatorOptions) => Executor;

/** One class's metadata as class-validator computed it, and what it was computed from. */
interface Entry {
  readonly metadatas: ValidationMetadatas;
  /** How many targets the storage held then: a new decorated class may be an ancestor. */
  readonly targets: number;
  /** The target and each registered ancestor: their metadata list and its length then. */
  readonly sources: readonly (readonly [key: unknown, list: unknown[], length: number])[];
  /** The target's prototype chain then. */
  readonly chain: readonly object[];
}

/**
 * class-validator's own `validate()`, minus its per-call scan of every
 * registered class.
 *
 * For each object it validates, class-validator's executor asks the metadata
 * storage for the class's metadata (`getTargetValidationMetadatas`), and the
 * storage answers by testing `prototype instanceof` against *every* class that
 * has a decorator — so a call costs more the more DTO classes the app has.
 * This runner runs the very same executor (every constraint, message, nested
 * and async rule is class-validator's), over a view of the storage that
 * remembers each class's answer: the storage's own answer, computed once.
 *
 * An answer is reused only while nothing it was computed from has changed —
 * no class was registered since (a new class may be an ancestor), the class
 * and its registered ancestors have the same metadata lists of the same
 * length (a decorator applied later adds to them), the prototype chain is the
 * same — and only for the options djust validates with (no groups, `always`
 * and `strictGroups` off); anything else asks the storage. Where this
 * class-validator does not have the executor and storage this relies on, the
 * runner is class-validator's `validate()` itself.
 */
export class ClassValidatorRunner {
  private readonly storage: MetadataStorage;
  private readonly view: MetadataStorage | undefined;
  private readonly Executor: ExecutorClass | undefined;
  private readonly validator = new Validator();
  private readonly cache = new Map<unknown, Map<string | undefined, Entry>>();
  /** `groupByPropertyName` of each remembered answer, by the answer's array. */
  private readonly grouped = new WeakMap<object, Record<string, ValidationMetadatas>>();

  constructor(private readonly options: ValidatorOptions) {
    this.storage = getMetadataStorage();
    this.Executor = loadExecutor(this.storage);
    if (this.Executor) this.view = this.storageView();
  }

  /** Whether the per-class answers are in use (false: plain `validate()`). */
  get cached(): boolean {
    return this.view !== undefined;
  }

  /** `validate(object, options)`, with the per-class metadata remembered. */
  validate(object: object): Promise<ValidationError[]> {
    if (!this.view) return validate(object, this.options);
    const executor = new this.Executor!(this.validator, this.options);
    executor.metadataStorage = this.view;
    const errors: ValidationError[] = [];
    executor.execute(object, undefined, errors);
    if (executor.awaitingPromises.length === 0) return Promise.resolve(executor.stripEmptyErrors(errors));
    return Promise.all(executor.awaitingPromises).then(() => executor.stripEmptyErrors(errors));
  }

  /** The storage, with its two per-object lookups answered from {@link cache} (everything else is the storage's). */
  private storageView(): MetadataStorage {
    const { storage, grouped } = this;
    const view = Object.create(storage) as MetadataStorage;
    Object.defineProperty(view, 'getTargetValidationMetadatas', {
      value: (target: Function, schema: string, always: boolean, strictGroups: boolean, groups?: string[]): ValidationMetadatas => {
        if (always || strictGroups || (groups && groups.length > 0) || typeof target !== 'function') {
          return storage.getTargetValidationMetadatas(target, schema, always, strictGroups, groups);
        }
        return this.entry(target, schema).metadatas;
      },
    });
    Object.defineProperty(view, 'groupByPropertyName', {
      value: (metadatas: ValidationMetadatas) => grouped.get(metadatas) ?? storage.groupByPropertyName(metadatas),
    });
    return view;
  }

  private entry(target: Function, schema: string | undefined): Entry {
    let bySchema = this.cache.get(target);
    const known = bySchema?.get(schema);
    if (known && this.fresh(known, target)) return known;
    const metadatas = this.storage.getTargetValidationMetadatas(target, schema as string, false, false, undefined);
    const all = registered(this.storage)!;
    const sources: [unknown, unknown[], number][] = [];
    for (const [key, list] of all) {
      if (key === target || (typeof key === 'function' && target.prototype instanceof key)) sources.push([key, list, list.length]);
    }
    const entry: Entry = { metadatas, targets: all.size, sources, chain: prototypeChain(target) };
    this.grouped.set(metadatas, this.storage.groupByPropertyName(metadatas));
    if (!bySchema) this.cache.set(target, (bySchema = new Map()));
    bySchema.set(schema, entry);
    return entry;
  }

  private fresh(entry: Entry, target: Function): boolean {
    const all = registered(this.storage)!;
    if (all.size !== entry.targets) return false;
    for (const [key, list, length] of entry.sources) if (all.get(key) !== list || list.length !== length) return false;
    let proto: object | null | undefined = target.prototype;
    for (const link of entry.chain) {
      if (proto !== link) return false;
      proto = Object.getPrototypeOf(proto);
    }
    return proto == null;
  }
}

/** The storage's map of target → metadata list, or `undefined` if this class-validator keeps them otherwise. */
function registered(storage: MetadataStorage): Map<unknown, unknown[]> | undefined {
  const map = (storage as unknown as { validationMetadatas?: unknown }).validationMetadatas;
  return map instanceof Map ? (map as Map<unknown, unknown[]>) : undefined;
}

function prototypeChain(target: Function): object[] {
  const chain: object[] = [];
  for (let proto: object | null | undefined = target.prototype; proto != null; proto = Object.getPrototypeOf(proto)) chain.push(proto);
  return chain;
}

/**
 * class-validator's `ValidationExecutor` (not exported from its index; the
 * same module instance `validate()` uses — class-validator has no `exports`
 * map and both builds of this package load its CommonJS build), if it and the
 * storage still look as this runner expects; else `undefined`.
 */
function loadExecutor(storage: MetadataStorage): ExecutorClass | undefined {
  try {
    const { ValidationExecutor } = packageRequire('class-validator/cjs/validation/ValidationExecutor.js') as { ValidationExecutor?: ExecutorClass };
    if (typeof ValidationExecutor !== 'function' || !registered(storage)) return undefined;
    const probe = new ValidationExecutor(new Validator(), {});
    const shaped =
      probe.metadataStorage === storage &&
      Array.isArray(probe.awaitingPromises) &&
      typeof probe.execute === 'function' &&
      typeof probe.stripEmptyErrors === 'function' &&
      typeof storage.getTargetValidationMetadatas === 'function' &&
      typeof storage.groupByPropertyName === 'function';
    return shaped ? ValidationExecutor : undefined;
  } catch {
    return undefined;
  }
}
