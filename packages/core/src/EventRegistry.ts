import type { z } from "zod";
import type { StoredEvent } from "./EventStore.js";
import { formatIssues, UnknownEventTypeError, ValidationError, validationErrorFromZod } from "./errors.js";
import { EventTypeSchema } from "./schemas.js";

/** The definition of one event type: its name, payload schema and schema version. */
export interface EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** Dotted type name, unique in a registry (`line.added`). */
  readonly type: Type;
  /** Version of the payload schema; bump it when the payload changes shape. */
  readonly version: number;
  /** Schema every payload of this type is validated against before it is written. */
  readonly schema: Schema;
  /** Tells whether a stored event is of this type, narrowing its payload. */
  is(event: StoredEvent): event is StoredEvent<z.output<Schema>> & {
    /** This definition's type name. */
    readonly type: Type;
  };
}

/** The payload type of an event definition. */
export type EventData<Definition> =
  Definition extends EventDefinition<string, infer Schema> ? z.output<Schema> : never;

/**
 * Defines an event type with the schema its payload must satisfy.
 *
 * @throws ValidationError (path `type`, `schema` or `version`) when the type is not
 *   dotted words starting lowercase (`line.added`), the schema is no zod schema
 *   (a plain object, a JSON Schema: convert that with `z.fromJSONSchema`), or the
 *   version is not a positive integer.
 * @example
 * ```ts
 * const LineAdded = defineEvent("line.added", z.object({ title: z.string() }));
 * ```
 */
export function defineEvent<Type extends string, Schema extends z.ZodType>(
  type: Type,
  schema: Schema,
  options: { readonly version?: number } = {},
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
  const version = options.version ?? 1;
  if (!Number.isInteger(version) || version < 1) {
    throw invalidDefinition(
      "version",
      `event "${type}" version must be a positive integer, got ${String(version)}`,
    );
  }
  return {
    type,
    version,
    schema,
    is: (event): event is StoredEvent<z.output<Schema>> & { readonly type: Type } => event.type === type,
  };
}

/**
 * The set of event types a log accepts. Every payload is validated here before
 * it reaches a store, so bad input never lands in the log.
 */
export class EventRegistry {
  readonly #definitions = new Map<string, EventDefinition>();

  /** Creates a registry holding the given definitions. */
  constructor(definitions: Iterable<EventDefinition> = []) {
    this.register(...definitions);
  }

  /**
   * Adds definitions. Registering the same definition twice is a no-op.
   *
   * @throws ValidationError when another definition with the same type is
   *   already registered (or comes earlier in the same call); nothing is
   *   registered then.
   */
  register(...definitions: EventDefinition[]): this {
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

  /** Tells whether a type is registered. */
  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  /** The registered type names, sorted. */
  types(): string[] {
    return [...this.#definitions.keys()].sort();
  }

  /** The definition of a type, if registered. */
  get(type: string): EventDefinition | undefined {
    return this.#definitions.get(type);
  }

  /**
   * Validates a payload against its type's schema and returns the parsed payload and schema version.
   *
   * @throws UnknownEventTypeError when the type is not registered.
   * @throws ValidationError naming each bad field (`data.title: ...`).
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
