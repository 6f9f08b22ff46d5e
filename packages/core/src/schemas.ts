import { z } from "zod";

/** The three operator roles of the production system. */
export const OperatorRoleSchema = z.enum(["line", "factory", "field"]);
/** `line` owns lines end to end; `factory` encodes skills and rules; `field` captures customer signals. */
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;

/** An id of a person or agent working in the factory: lowercase slug, as in `alice` or `ci-bot`. */
export const OperatorIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    "operator id must be 1-64 chars of [a-z0-9._-], starting with a letter or digit",
  );

// The shape is a const of its own and types the schema, so the built .d.ts keeps each field's TSDoc for hover.
const operatorShape = {
  /** Stable id (`alice`): 1-64 chars of `[a-z0-9._-]`. */
  id: OperatorIdSchema,
  /** Display name. */
  name: z.string().min(1, "name must not be empty"),
  /** Email address, to reach them. */
  email: z.email().optional(),
  /** At least one of `line`, `factory`, `field`. */
  roles: z.array(OperatorRoleSchema).min(1, "an operator needs at least one role"),
  /** Handles in other tools (`github: "@alice"`), used to map CODEOWNERS and imports. */
  handles: z.record(z.string(), z.string()).optional(),
};
/** An operator: a person (or agent) with one or more roles. */
export const OperatorSchema: z.ZodObject<typeof operatorShape, z.core.$strip> = z.object(operatorShape);
/** An operator: a person (or agent) with one or more roles. */
export type Operator = z.infer<typeof OperatorSchema>;

/** A type name of an event: dotted lowercase words, as in `line.added`. */
export const EventTypeSchema = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/, "event type must be dotted words, as in line.added");

/** An event as it is stored in the log. */
export const EventEnvelopeSchema = z.object({
  /** Position in the log, from 1, contiguous. */
  seq: z.number().int().positive(),
  /** Globally unique id (`evt_...`). */
  id: z.string().min(1),
  /** Registered event type. */
  type: EventTypeSchema,
  /** Version of the payload schema the event was written with. */
  v: z.number().int().positive(),
  /** When the event was appended, ISO 8601 in UTC. */
  at: z.iso.datetime(),
  /** Operator or agent that caused the change. */
  actor: z.string().min(1),
  /** The entity the event is about (`line_...`, `doc_...`). */
  subject: z.string().min(1),
  /** The payload, valid against the type's schema. */
  data: z.unknown(),
  /** Id of the event that caused this one, when an automation reacted to another event. */
  causedBy: z.string().optional(),
});
/** An event as it is stored in the log. */
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;
