import { getMetadataStorage, validate, ValidationError, ValidationTypes, Validator, type MetadataStorage, type ValidationArguments, type ValidatorOptions } from 'class-validator';
import { packageRequire } from '../common/package-require.js';

type ValidationMetadatas = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;
type ValidationMetadata = ValidationMetadatas[number];
type ConstraintMetadata = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number];
type ValidationArgs = { targetName: string | undefined; property: string; object: object; value: unknown; constraints: unknown[] };
type ReplaceTokens = (message: unknown, args: ValidationArgs) => string;

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
  /** For a flat class (see {@link flatPlan}): its properties in the executor's order, each with its metadata by kind. */
  readonly flat: readonly FlatProperty[] | undefined;
  /** `groupByPropertyName(metadatas)`: the properties whitelisting keeps. */
  readonly grouped: Record<string, ValidationMetadatas>;
}

/** One property of a flat class: its `@IsOptional()`/`@ValidateIf()` conditions and its constraints, in metadata order. */
interface FlatProperty {
  readonly name: string;
  readonly conditions: readonly ValidationMetadata[];
  readonly customs: readonly FlatCustom[];
}

/**
 * A constraint metadata of a flat property, with what the storage answers for
 * its constraint class (`getTargetValidatorConstraints`) looked up once: the
 * list (class-validator only ever appends to it, so an unchanged length means
 * the same answer) and, per constraint, the instance when it is a generated one
 * (see {@link ClassValidatorRunner.instanceOf}). `list` is `undefined` when the
 * storage had none then: it is asked every time.
 */
interface FlatCustom {
  readonly metadata: ValidationMetadata;
  readonly list: readonly ConstraintMetadata[] | undefined;
  readonly length: number;
  readonly instances: readonly (ConstraintMetadata['instance'] | undefined)[];
}

/** The name of the constraint classes class-validator's `registerDecorator` generates for a validator object. */
const GENERATED_CONSTRAINT_NAME = 'CustomConstraint';

/** The options the flat path reproduces; any other options take class-validator's executor. */
const FLAT_OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: false, forbidUnknownValues: false };

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
 *
 * A flat class — every constraint a plain one (`@IsInt()`, `@MaxLength()`,
 * `@Validate(Cls)`…) or a condition (`@IsOptional()`, `@ValidateIf()`), with
 * no `each`, no `context`, no nested, promise or `@IsDefined()` rule, which is
 * what most request DTOs are — takes a shorter walk of the executor's own
 * steps for these options, in its order: whitelisting, then per property the
 * conditions (all of them evaluated), then each constraint's validator with
 * the same arguments, the message built by class-validator's own
 * `replaceMessageSpecialTokens`, async results awaited, empty errors
 * stripped. Errors are the same `ValidationError`s, field for field.
 */
export class ClassValidatorRunner {
  private readonly storage: MetadataStorage;
  private readonly view: MetadataStorage | undefined;
  private readonly Executor: ExecutorClass | undefined;
  private readonly validator = new Validator();
  /** class-validator's message formatter, for the flat path (absent: no flat path). */
  private readonly replaceTokens: ReplaceTokens | undefined;
  private readonly cache = new Map<unknown, Map<string | undefined, Entry>>();
  /** Instances of generated constraint classes (see {@link instanceOf}). */
  private readonly instances = new WeakMap<ConstraintMetadata, ConstraintMetadata['instance']>();
  /** `groupByPropertyName` of each remembered answer, by the answer's array. */
  private readonly grouped = new WeakMap<object, Record<string, ValidationMetadatas>>();

  constructor(private readonly options: ValidatorOptions) {
    this.storage = getMetadataStorage();
    this.Executor = loadExecutor(this.storage);
    if (this.Executor) this.view = this.storageView();
    this.replaceTokens = this.view && sameOptions(options, FLAT_OPTIONS) ? loadReplaceTokens() : undefined;
  }

  /** Whether the per-class answers are in use (false: plain `validate()`). */
  get cached(): boolean {
    return this.view !== undefined;
  }

  /** @internal For tests: whether objects of `cls` take the flat path. */
  isFlat(cls: Function): boolean {
    return this.replaceTokens !== undefined && this.view !== undefined && this.entry(cls, undefined).flat !== undefined;
  }

  /** `validate(object, options)`, with the per-class metadata remembered. */
  validate(object: object): Promise<ValidationError[]> {
    if (!this.view) return validate(object, this.options);
    const target = (object as { constructor?: unknown }).constructor;
    if (this.replaceTokens && typeof target === 'function') {
      const entry = this.entry(target, undefined);
      if (entry.flat) return this.validateFlat(object, entry.flat, entry.grouped);
    }
    const executor = new this.Executor!(this.validator, this.options);
    executor.metadataStorage = this.view;
    const errors: ValidationError[] = [];
    executor.execute(object, undefined, errors);
    if (executor.awaitingPromises.length === 0) return Promise.resolve(executor.stripEmptyErrors(errors));
    return Promise.all(executor.awaitingPromises).then(() => executor.stripEmptyErrors(errors));
  }

  /** The executor's steps for a flat class with {@link FLAT_OPTIONS} (see the class comment). */
  private validateFlat(object: object, properties: readonly FlatProperty[], grouped: Record<string, ValidationMetadatas>): Promise<ValidationError[]> {
    const record = object as Record<string, unknown>;
    // whitelist: own keys without metadata are deleted (forbidNonWhitelisted is off)
    for (const key of Object.keys(record)) if (!grouped[key] || grouped[key].length === 0) delete record[key];
    const errors: ValidationError[] = [];
    let pending: Promise<unknown>[] | undefined;
    for (const property of properties) {
      const value = record[property.name];
      const error = new ValidationError();
      error.target = object;
      error.value = value;
      error.property = property.name;
      error.children = [];
      error.constraints = {};
      errors.push(error);
      let canValidate = true;
      for (const condition of property.conditions) canValidate = (condition.constraints[0](object, value) as boolean) && canValidate;
      if (!canValidate) continue;
      for (const custom of property.customs) {
        const metadata = custom.metadata;
        if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
        const known = custom.list !== undefined && custom.list.length === custom.length;
        const constraints = known ? custom.list! : this.storage.getTargetValidatorConstraints(metadata.constraintCls);
        for (let i = 0; i < constraints.length; i++) {
          const constraint = constraints[i]!;
          const args = argsOf(object, value, metadata);
          const instance = (known ? custom.instances[i] : undefined) ?? this.instanceOf(constraint);
          const valid = instance.validate(value, args as ValidationArguments);
          if (isPromise(valid)) {
            (pending ??= []).push(
              valid.then((isValid) => {
                if (!isValid) this.fail(error, args, metadata, constraint);
              }),
            );
          } else if (!valid) this.fail(error, args, metadata, constraint);
        }
      }
    }
    if (!pending) return Promise.resolve(stripEmpty(errors));
    return Promise.all(pending).then(() => stripEmpty(errors));
  }

  /**
   * A constraint's validator instance. `constraint.instance` asks class-validator's
   * container, whose default one finds it by a linear scan of every constraint
   * class used so far — and every built-in decorator application (`@IsInt()` on
   * each property of each DTO) has a class of its own, so that scan grows with
   * the DTOs the app has validated. The classes `registerDecorator` generates
   * for those decorators (`CustomConstraint`, stateless wrappers of a validator
   * object, which no DI container provides) are looked up once here; a class of
   * the app's own (`@Validate(Cls)`, `validator: Cls`) is asked every time, so a
   * container set with `useContainer()` still decides its instance.
   */
  private instanceOf(constraint: ConstraintMetadata): ConstraintMetadata['instance'] {
    if ((constraint.target as { name?: unknown }).name !== GENERATED_CONSTRAINT_NAME) return constraint.instance;
    let instance = this.instances.get(constraint);
    if (instance === undefined) this.instances.set(constraint, (instance = constraint.instance));
    return instance;
  }

  /** `createValidationError` of the executor, into `error.constraints`. */
  private fail(error: ValidationError, args: ValidationArgs, metadata: ValidationMetadata, constraint: ConstraintMetadata): void {
    let message: unknown = metadata.message || '';
    const instance = constraint ? this.instanceOf(constraint) : undefined;
    if (!metadata.message && instance && instance.defaultMessage instanceof Function) message = instance.defaultMessage(args as ValidationArguments);
    error.constraints![constraint && constraint.name ? constraint.name : metadata.type] = this.replaceTokens!(message, args);
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
    const grouped = this.storage.groupByPropertyName(metadatas);
    const entry: Entry = { metadatas, targets: all.size, sources, chain: prototypeChain(target), grouped, flat: this.resolve(flatPlan(grouped)) };
    this.grouped.set(metadatas, grouped);
    if (!bySchema) this.cache.set(target, (bySchema = new Map()));
    bySchema.set(schema, entry);
    return entry;
  }

  /** A flat plan with each constraint metadata's constraint list and generated instances looked up (see {@link FlatCustom}). */
  private resolve(plan: FlatPlan | undefined): FlatProperty[] | undefined {
    return plan?.map(({ name, conditions, customs }) => ({
      name,
      conditions,
      customs: customs.map((metadata): FlatCustom => {
        const list = this.storage.getTargetValidatorConstraints(metadata.constraintCls);
        if (list.length === 0) return { metadata, list: undefined, length: 0, instances: [] };
        const instances = list.map((c) => ((c.target as { name?: unknown }).name === GENERATED_CONSTRAINT_NAME ? this.instanceOf(c) : undefined));
        return { metadata, list, length: list.length, instances };
      }),
    }));
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

/**
 * The properties of a flat class, in the order the executor walks them
 * (`Object.keys` of the grouped metadata); `undefined` when any metadata needs
 * more of the executor than {@link ClassValidatorRunner.validateFlat} does.
 */
type FlatPlan = { name: string; conditions: ValidationMetadata[]; customs: ValidationMetadata[] }[];
function flatPlan(grouped: Record<string, ValidationMetadatas>): FlatPlan | undefined {
  const properties: FlatPlan = [];
  for (const name of Object.keys(grouped)) {
    const conditions: ValidationMetadata[] = [];
    const customs: ValidationMetadata[] = [];
    for (const m of grouped[name]) {
      if (m.context !== undefined || m.each) return undefined;
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION && typeof m.constraints?.[0] === 'function') conditions.push(m);
      else if (m.type === ValidationTypes.CUSTOM_VALIDATION) customs.push(m);
      else return undefined;
    }
    properties.push({ name, conditions, customs });
  }
  return properties;
}

/** The `ValidationArguments` the executor gives a constraint's `validate` and `defaultMessage`. */
function argsOf(object: object, value: unknown, metadata: ValidationMetadata): ValidationArgs {
  return {
    targetName: object.constructor ? object.constructor.name : undefined,
    property: metadata.propertyName,
    object,
    value,
    constraints: metadata.constraints,
  };
}

/** `stripEmptyErrors` of the executor, for errors without children. */
function stripEmpty(errors: ValidationError[]): ValidationError[] {
  return errors.filter((error) => {
    error.children = [];
    return Object.keys(error.constraints!).length > 0;
  });
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** Whether the options are exactly `expected` (same keys, same values). */
function sameOptions(options: ValidatorOptions, expected: ValidatorOptions): boolean {
  const keys = Object.keys(options) as (keyof ValidatorOptions)[];
  return keys.length === Object.keys(expected).length && keys.every((k) => options[k] === expected[k]);
}

/** class-validator's `ValidationUtils.replaceMessageSpecialTokens` (the same module its executor uses), or `undefined`. */
function loadReplaceTokens(): ReplaceTokens | undefined {
  try {
    const { ValidationUtils } = packageRequire('class-validator/cjs/validation/ValidationUtils.js') as { ValidationUtils?: { replaceMessageSpecialTokens?: unknown } };
    const replace = ValidationUtils?.replaceMessageSpecialTokens;
    return typeof replace === 'function' ? (replace.bind(ValidationUtils) as ReplaceTokens) : undefined;
  } catch {
    return undefined;
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
