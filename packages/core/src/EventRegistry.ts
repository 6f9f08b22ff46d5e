import { z } from "zod";
import { anObject, checkArguments } from "./checkArguments.js";
import type { StoredEvent } from "./EventStore.js";
import {
  EventVersionError,
  formatIssues,
  UnknownEventTypeError,
  ValidationError,
  validationErrorFromZod,
} from "./errors.js";
import { EventTypeSchema } from "./schemas.js";

/** The definition of one event type: its name, payload schema and schema version. */
export interface EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** Dotted type name, unique in a registry (`line.added`). */
  readonly type: Type;
  /** Version of the payload schema; bump it when the payload changes shape. */
  readonly version: number;
  /** Schema every payload of this type is validated against before it is written. */
  readonly schema: Schema;
  /**
   * Steps that bring a payload stored at an older version to the next one
   * (`upcast[1]` takes a version 1 payload and returns it as version 2), one
   * from every version below {@link EventDefinition.version}; none when the
   * type has no older shape to read.
   */
  readonly upcast?: UpcastSteps;
  /** Tells whether a stored event is of this type, narrowing its payload. */
  is(event: StoredEvent): event is StoredEvent<z.output<Schema>> & {
    /** This definition's type name. */
    readonly type: Type;
  };
}

/**
 * Upcast steps of an event type, by the version each starts from: `{ 1: (old) => ({ ...old, title: old.name }) }`.
 * A step gets a payload as stored at its version and returns it in the next version's shape.
 */
// biome-ignore lint/suspicious/noExplicitAny: a step names the shape it reads (`(old: { name: string }) => ...`), which `unknown` would refuse.
export type UpcastSteps = Readonly<Record<number, (data: any) => unknown>>;

/** Options of {@link defineEvent}. */
export interface DefineEventOptions {
  /** Version of the payload schema, a positive integer (default 1); bump it when the payload changes shape. */
  readonly version?: number;
  /**
   * How payloads stored at older versions are read: a step from every
   * version below `version` to the next. Events are then read (by
   * `EventLog.read`, `readAll`, `subscribe` and the projections folded from
   * them) in the current shape, with `v` the current version; the stored
   * events are left as they were written.
   */
  readonly upcast?: UpcastSteps;
}

/** The payload type of an event definition. */
export type EventData<Definition> =
  Definition extends EventDefinition<string, infer Schema> ? z.output<Schema> : never;

/**
 * Defines an event type with the schema its payload must satisfy.
 *
 * When the payload changes shape, bump `version` and give `upcast` steps from
 * every older version, so events written before are read in the new shape.
 * The steps' result is parsed by the schema, as a payload appended now is, and
 * read as the schema returns it (defaults filled in, unknown keys dropped); a
 * result the schema refuses fails the read with a ValidationError naming the
 * type, the version stepped from and each bad field, and a step that throws
 * fails it with its error (a subscription reports either as a failing read and retries).
 *
 * @throws ValidationError (path `type`, `schema`, `version` or `upcast`) when the type is not
 *   dotted words starting lowercase (`line.added`), the schema is no zod schema
 *   (a plain object, a JSON Schema: convert that with `z.fromJSONSchema`), the
 *   version is not a positive integer, or `upcast` lacks a step from an older
 *   version, has one from a version that is not older, or a step that is no function;
 *   (path `options`) when the options are no object.
 * @example
 * ```ts
 * const LineAdded = defineEvent("line.added", z.object({ title: z.string() }));
 * // Version 2 renamed `name` to `title`; events written at version 1 are read with `title`.
 * const LineAddedV2 = defineEvent("line.added", z.object({ title: z.string() }), {
 *   version: 2,
 *   upcast: { 1: (old: { name: string }) => ({ title: old.name }) },
 * });
 * ```
 */
export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  schema: Schema,
  options: DefineEventOptions = {},
): EventDefinition<Type, Schema> {
  if (!EventTypeSchema.safeParse(type).success) {
    throw invalidDefinition(
      "type",
      `event type ${JSON.stringify(type)} must be dotted words, as in line.added`,
    );
  }
  const notZod = notZodSchema(schema);
  if (notZod !== undefined) {
    throw invalidDefinition(
      "schema",
      `event "${type}" schema must be a zod schema, as z.object({ ... }); got ${notZod}`,
    );
  }
  checkArguments("defineEvent", { options: [anObject("an object of options").optional(), options] });
  // Only a missing version is 1: a null one is refused below, as any other that is no positive integer.
  const version = options.version === undefined ? 1 : options.version;
  if (!Number.isInteger(version) || version < 1) {
    throw invalidDefinition(
      "version",
      `event "${type}" version must be a positive integer, got ${String(version)}`,
    );
  }
  const upcast = options.upcast;
  if (upcast !== undefined) checkUpcast(type, version, upcast);
  return {
    type,
    version,
    schema,
    ...(upcast === undefined ? {} : { upcast: { ...upcast } }),
    is: (event): event is StoredEvent<z.output<Schema>> & { readonly type: Type } => event.type === type,
  };
}

/** An event definition argument: what {@link defineEvent} returns. */
const AnEventDefinition = z.custom<EventDefinition>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as EventDefinition).type === "string" &&
    typeof (value as EventDefinition).version === "number" &&
    typeof (value as EventDefinition).schema?.safeParse === "function" &&
    typeof (value as EventDefinition).is === "function",
  "must be an event definition, as defineEvent returns",
);

/**
 * Event definitions as a list: an iterable (an array, a set), each of its
 * items an event definition, read into a list once (a generator is consumed).
 */
export const EventDefinitionsSchema = z
  .custom<Iterable<unknown>>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as Iterable<unknown>)[Symbol.iterator] === "function",
    "must be an iterable of event definitions, as [LineAdded]",
  )
  .transform((definitions) => [...definitions])
  .pipe(z.array(AnEventDefinition));

/** A type name argument. */
const AType = z.string();

/**
 * The set of event types a log accepts. Every payload is validated here before
 * it reaches a store, so bad input never lands in the log.
 */
export class EventRegistry {
  readonly #definitions = new Map<string, EventDefinition>();

  /**
   * Creates a registry holding the given definitions.
   *
   * @throws ValidationError when `definitions` is no iterable of event definitions (`definitions[1]: must be
   *   an event definition, as defineEvent returns`), or two of them define one type differently.
   */
  constructor(definitions: Iterable<EventDefinition> = []) {
    const parsed = EventDefinitionsSchema.safeParse(definitions);
    if (!parsed.success)
      checkArguments("new EventRegistry", { definitions: [EventDefinitionsSchema, definitions] });
    this.register(...(parsed.data ?? []));
  }

  /**
   * Adds definitions. Registering the same definition twice is a no-op.
   *
   * @throws ValidationError when an argument is no event definition (`definitions[0]: must be an event
   *   definition, as defineEvent returns`), or another definition with the same type is
   *   already registered (or comes earlier in the same call); nothing is
   *   registered then.
   */
  register(...definitions: EventDefinition[]): this {
    checkArguments("register", { definitions: [z.array(AnEventDefinition), definitions] });
    const adding = new Map<string, EventDefinition>();
    definitions.forEach((definition, index) => {
      const existing = adding.get(definition.type) ?? this.#definitions.get(definition.type);
      if (existing !== undefined && existing !== definition) {
        const message = `event type "${definition.type}" is already registered by another definition`;
        throw new ValidationError({
          message: `event definitions are invalid: events[${index}]: ${message}`,
          issues: [{ path: `events[${index}]`, message }],
        });
      }
      adding.set(definition.type, definition);
    });
    for (const [type, definition] of adding) this.#definitions.set(type, definition);
    return this;
  }

  /**
   * Tells whether a type is registered.
   *
   * @throws ValidationError when `type` is no string.
   */
  has(type: string): boolean {
    if (typeof type !== "string") checkArguments("has", { type: [AType, type] });
    return this.#definitions.has(type);
  }

  /** The registered type names, sorted. */
  types(): string[] {
    return [...this.#definitions.keys()].sort();
  }

  /**
   * The definition of a type, if registered.
   *
   * @throws ValidationError when `type` is no string.
   */
  get(type: string): EventDefinition | undefined {
    if (typeof type !== "string") checkArguments("get", { type: [AType, type] });
    return this.#definitions.get(type);
  }

  /**
   * The event as its type's current version reads it: its payload passed
   * through the type's upcast steps from the version it was stored at and
   * parsed by the type's schema, and `v` the current version. Any other event
   * (an unknown type, one stored at the current version, a type without
   * upcast steps) is returned as it is.
   *
   * @throws ValidationError when `event` is no object.
   * @throws EventVersionError when the event is stored at a version newer than its type's here: a newer
   *   SDK (or newer code defining the type) wrote it, and this code cannot read it (`event "line.added" at
   *   position 3 (id ...) is stored at version 9, but this code knows "line.added" up to version 2 ...`).
   * @throws ValidationError when the schema refuses what the steps returned, naming the type, the event's
   *   position, the version stepped from and each bad field (`event "line.added" at position 3, upcast from
   *   version 1 to 3, is invalid: data.owner: ...`).
   */
  upcast(event: StoredEvent): StoredEvent {
    // Checked only when wrong: every event read comes through here.
    if (typeof event !== "object" || event === null || Array.isArray(event))
      checkArguments("upcast", { event: [anObject("a stored event"), event] });
    const definition = this.#definitions.get(event.type);
    if (definition === undefined) return event;
    if (event.v > definition.version) throw newerEvent(event, definition.version);
    const steps = definition.upcast;
    if (steps === undefined || event.v === definition.version) return event;
    let data = event.data;
    for (let version = event.v; version < definition.version; version++) {
      const step = steps[version];
      if (step !== undefined) data = step(data);
    }
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) {
      throw validationErrorFromZod(parsed.error.issues, {
        subject: `event "${event.type}" at position ${event.seq}, upcast from version ${event.v} to ${definition.version},`,
        pathPrefix: "data",
      });
    }
    return { ...event, v: definition.version, data: parsed.data };
  }

  /**
   * Validates a payload against its type's schema and returns the parsed payload and schema version.
   *
   * @throws UnknownEventTypeError when the type is not registered.
   * @throws ValidationError naming each bad field (`data.title: ...`), or `type` when it is no string.
   */
  validate(
    type: string,
    data: unknown,
  ): {
    /** The payload as the schema parsed it: defaults filled in, strings trimmed where the schema trims. */
    readonly data: unknown;
    /** The type's current schema version, to store with the event. */
    readonly version: number;
  } {
    if (typeof type !== "string") checkArguments("validate", { type: [AType, type] });
    const definition = this.#definitions.get(type);
    if (definition === undefined) {
      throw new UnknownEventTypeError({
        message: `unknown event type "${type}"; registered types: ${this.types().join(", ") || "(none)"}`,
        type,
      });
    }
    const result = definition.schema.safeParse(data);
    if (!result.success) {
      throw validationErrorFromZod(result.error.issues, { subject: `event "${type}"`, pathPrefix: "data" });
    }
    return { data: result.data, version: definition.version };
  }
}

/** The refusal of an event stored at a version newer than `supported`, the newest its type has here. */
function newerEvent(event: StoredEvent, supported: number): EventVersionError {
  return new EventVersionError({
    message: `event "${event.type}" at position ${event.seq} (id ${event.id}) is stored at version ${event.v}, but this code knows "${event.type}" up to version ${supported}: it was written by a newer version of the SDK (or of the code defining "${event.type}"); upgrade to read it`,
    type: event.type,
    version: event.v,
    supported,
    position: event.seq,
    id: event.id,
  });
}

/** The ValidationError of a malformed {@link defineEvent} call, naming the argument (`type`, `version`). */
function invalidDefinition(path: string, message: string): ValidationError {
  const issues = [{ path, message }];
  return new ValidationError({ message: formatIssues("event definition", issues), issues });
}

/**
 * What a schema given to {@link defineEvent} is when it is no zod schema
 * (`a plain object`), or undefined when it is one: an object with the
 * `safeParse` the registry validates payloads with.
 */
function notZodSchema(schema: unknown): string | undefined {
  if (typeof schema !== "object" || schema === null) {
    return schema === null ? "null" : typeof schema === "undefined" ? "undefined" : `a ${typeof schema}`;
  }
  if (typeof (schema as { safeParse?: unknown }).safeParse === "function") return undefined;
  if ("_zod" in schema) return 'a zod core schema, which has no safeParse method; use a schema from "zod"';
  if (Array.isArray(schema)) return "an array";
  const keys = Object.keys(schema);
  if (["$schema", "type", "properties"].some((key) => keys.includes(key))) {
    return "a JSON Schema; convert it with z.fromJSONSchema(schema)";
  }
  return "a plain object";
}

/**
 * Throws the ValidationError of upcast steps that do not bring every older
 * version to the current one: a missing step, a step from a version that is
 * not older (`upcast.3` of a version 2 type), a step that is no function.
 */
function checkUpcast(type: string, version: number, upcast: unknown): void {
  if (typeof upcast !== "object" || upcast === null || Array.isArray(upcast)) {
    throw invalidDefinition(
      "upcast",
      `event "${type}" upcast must be an object of steps by version, as { 1: (old) => ... }`,
    );
  }
  const issues: { path: string; message: string }[] = [];
  for (const [key, step] of Object.entries(upcast)) {
    const from = Number(key);
    if (!Number.isInteger(from) || from < 1 || from >= version) {
      issues.push({
        path: `upcast.${key}`,
        message: `event "${type}" is at version ${version}, so steps go from versions 1 to ${version - 1}; there is no version ${key} to upcast from`,
      });
    } else if (typeof step !== "function") {
      issues.push({ path: `upcast.${key}`, message: `the step from version ${key} must be a function` });
    }
  }
  for (let from = 1; from < version; from++) {
    if (!(String(from) in upcast)) {
      issues.push({
        path: "upcast",
        message: `event "${type}" is at version ${version} but has no step from version ${from} (upcast[${from}]); give one from every older version`,
      });
    }
  }
  if (issues.length > 0)
    throw new ValidationError({ message: formatIssues("event definition", issues), issues });
}
