import type { PreparedEvent } from "../EventStore.js";

/**
 * An event the log prepared, holding the JSON it made of the payload when it
 * measured the event against its size limit, so a store writes that string
 * instead of serializing the payload again. The JSON is no enumerable field:
 * copies of the event (`{ ...event, seq }`) and its own JSON leave it out, and
 * the `EventStore` port stays as it is. (A WeakMap from event to JSON would do
 * the same, and cost the garbage collector more than the second serialization saves.)
 */
export class CheckedEvent implements PreparedEvent {
  readonly id: string;
  readonly type: string;
  readonly v: number;
  readonly at: string;
  readonly actor: string;
  readonly subject: string;
  readonly data: unknown;
  declare readonly causedBy?: string;
  #payloadJson: string | undefined;

  /** Copies the fields of `event`, in its order (the order they are serialized in). */
  constructor(event: PreparedEvent) {
    this.id = event.id;
    this.type = event.type;
    this.v = event.v;
    this.at = event.at;
    this.actor = event.actor;
    this.subject = event.subject;
    this.data = event.data;
    if (event.causedBy !== undefined) this.causedBy = event.causedBy;
  }

  /** `JSON.stringify(data)`, once the log has made it. */
  get payloadJson(): string | undefined {
    return this.#payloadJson;
  }

  set payloadJson(json: string | undefined) {
    this.#payloadJson = json;
  }
}

/**
 * The JSON a store writes of an event's payload: the string the log measured
 * the event by, or, for an event that did not come from the log, `JSON.stringify` of its payload.
 */
export function payloadJsonOf(event: PreparedEvent): string {
  return (event instanceof CheckedEvent ? event.payloadJson : undefined) ?? JSON.stringify(event.data);
}
