/**
 * The core kernel of the Software Factory SDK: ids, time, typed errors, the
 * shared vocabulary, and the event log every other part is folded from.
 *
 * Any new export added here becomes public API. Use named exports, not wildcards.
 *
 * @packageDocumentation
 */

export { type Clock, ClockService, type ManualClock, manualClock, systemClock } from "./Clock.js";
export { canonicalJson, hashJson } from "./canonicalJson.js";
export {
  type AppendOptions,
  DEFAULT_STORE_PATH,
  EventLog,
  type NewEvent,
  type OpenEventLogOptions,
  openEventLog,
  type SubscribeOptions,
  type Subscription,
} from "./EventLog.js";
export {
  type AppendError,
  EventLogService,
  type EventLogShape,
  makeEventLogShape,
} from "./EventLogService.js";
export { defineEvent, type EventData, type EventDefinition, EventRegistry } from "./EventRegistry.js";
export {
  DEFAULT_READ_LIMIT,
  type EventStore,
  type PreparedEvent,
  type ReadQuery,
  type StoreAppendOptions,
  type StoredEvent,
} from "./EventStore.js";
export {
  ClosedError,
  ConcurrencyConflictError,
  type FactoryError,
  formatIssues,
  IdempotencyConflictError,
  NotFoundError,
  SchemaVersionError,
  StoreError,
  UnknownEventTypeError,
  ValidationError,
  type ValidationIssue,
  type ValidationSource,
  validationErrorFromZod,
} from "./errors.js";
export { idTimestamp, isId, newId } from "./ids.js";
export { createMemoryEventStore } from "./MemoryEventStore.js";
export { type Projection, type ProjectionOptions, startProjection } from "./Projection.js";
export {
  type EventEnvelope,
  EventEnvelopeSchema,
  EventTypeSchema,
  type Operator,
  OperatorIdSchema,
  type OperatorRole,
  OperatorRoleSchema,
  OperatorSchema,
} from "./schemas.js";
