import type { Clock } from "../Clock.js";
import { hashJson } from "../canonicalJson.js";
import type { EventRegistry } from "../EventRegistry.js";
import type { PreparedEvent } from "../EventStore.js";
import { ValidationError } from "../errors.js";
import type { NewEvent } from "../eventLogInputs.js";
import { newId } from "../ids.js";
import { measureEvent } from "./eventSize.js";
import { CheckedEvent } from "./payloadJson.js";
import { scanPayload } from "./payloadScan.js";
import { unkeptValueIssues } from "./unkeptValues.js";
import { holdsUnstorableText, unstorableTextIssues } from "./unstorableText.js";

/** What {@link prepareEvents} needs of the log: its event types, clock and size limit. */
export interface PreparingLog {
  readonly registry: EventRegistry;
  readonly clock: Clock;
  readonly maxEventBytes: number;
}

/**
 * The events of an append as the store takes them: each checked (its fields,
 * its payload against its type's schema, then what no store can keep and its
 * size), with an id, the time and its actor filled in.
 *
 * @throws ValidationError naming every problem of the batch; nothing is prepared then.
 * @throws UnknownEventTypeError when an event's type is not registered.
 */
export function prepareEvents(batch: readonly NewEvent[], actor: string, log: PreparingLog): PreparedEvent[] {
  const at = log.clock.now().toISOString();
  const problems: ValidationError["issues"][number][] = [];
  const prepared: PreparedEvent[] = [];
  batch.forEach((event, index) => {
    const where = batch.length === 1 ? "" : `events[${index}].`;
    if (typeof event !== "object" || event === null) {
      problems.push({ path: where || "(event)", message: "expected an event object" });
      return;
    }
    if (typeof event.subject !== "string" || event.subject === "") {
      problems.push({ path: `${where}subject`, message: "expected a non-empty string" });
    }
    problems.push(...eventFieldIssues(event, where));
    try {
      const { data, version } = log.registry.validate(event.type, event.data);
      let ready = new CheckedEvent({
        id: newId("evt"),
        type: event.type,
        v: version,
        at,
        actor: event.actor ?? actor,
        subject: event.subject,
        data,
        ...(event.causedBy === undefined ? {} : { causedBy: event.causedBy }),
      });
      // An event over the size limit is refused for that alone: searching hundreds of MiB of text takes seconds.
      const scan = scanPayload(data, 2 * log.maxEventBytes);
      const { payloadJson, issue } = measureEvent(
        ready,
        scan.textLength,
        log.maxEventBytes,
        where === "" ? "(event)" : where.slice(0, -1),
      );
      if (issue !== undefined) problems.push(issue);
      else {
        const fields = { subject: event.subject, actor: ready.actor, causedBy: event.causedBy, data };
        const unstorable =
          scan.unstorable ||
          [fields.subject, fields.actor, fields.causedBy].some((value) => holdsUnstorableText(value, 1))
            ? unstorableTextIssues(fields, where.slice(0, -1))
            : [];
        problems.push(
          ...(unstorable.length > 0 || !scan.unkept ? unstorable : unkeptValueIssues(data, `${where}data`)),
        );
      }
      // JSON has no -0: every store gives it back as 0, so the log writes (and returns) 0.
      if (scan.negativeZero && payloadJson !== undefined)
        ready = new CheckedEvent({ ...ready, data: JSON.parse(payloadJson) });
      ready.payloadJson = payloadJson;
      prepared.push(ready);
    } catch (error) {
      if (error instanceof ValidationError && batch.length > 1) {
        problems.push(...error.issues.map((issue) => ({ ...issue, path: `${where}${issue.path}` })));
      } else {
        throw error;
      }
    }
  });
  if (problems.length > 0) {
    const detail = problems.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new ValidationError({ message: `event batch is invalid: ${detail}`, issues: problems });
  }
  return prepared;
}

/** The fields a {@link NewEvent} has; another key is a typo (`causedby`) that would be dropped. */
const EVENT_KEYS: ReadonlySet<string> = new Set(["type", "subject", "data", "actor", "causedBy"]);

/**
 * Issues with an event's own fields but its type, subject and payload: an
 * unknown key, and an `actor` or `causedBy` that is given but no non-empty
 * string (a store would keep `3` as `"3"`, and `""` as nobody).
 */
function eventFieldIssues(event: NewEvent, where: string): ValidationError["issues"][number][] {
  const issues: ValidationError["issues"][number][] = [];
  const unknown = Object.keys(event).filter((key) => !EVENT_KEYS.has(key));
  if (unknown.length > 0) {
    issues.push({
      path: where === "" ? "(event)" : where.slice(0, -1),
      message: `unknown key${unknown.length === 1 ? "" : "s"} ${unknown.map((key) => JSON.stringify(key)).join(", ")}; the keys are ${[...EVENT_KEYS].join(", ")}`,
    });
  }
  for (const field of ["actor", "causedBy"] as const) {
    const value = event[field];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      issues.push({ path: `${where}${field}`, message: "expected a non-empty string" });
    }
  }
  return issues;
}

/** The hash of a batch's content a store keeps with its idempotency key, to tell a retry from another batch. */
export function requestHashOf(prepared: readonly PreparedEvent[]): string {
  return hashJson(
    prepared.map(({ type, subject, actor, data, causedBy }) => [type, subject, actor, data, causedBy]),
  );
}
