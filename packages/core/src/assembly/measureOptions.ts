import { z } from "zod";
import { isoInstantOf } from "../pointInTime.js";
import { strictInput } from "../strictInput.js";

/**
 * One end of a window: a Date, epoch milliseconds, an ISO date (midnight
 * UTC) or an ISO instant with its offset. Any other string (`2026-03-01T09:00:00`,
 * `March 1, 2026`) is refused: `new Date` reads it in the machine's time
 * zone, so one call would measure different windows on different machines.
 */
const windowEnd = z.unknown().transform((value, ctx) => {
  const date =
    value instanceof Date || typeof value === "number"
      ? new Date(value)
      : typeof value === "string"
        ? isoInstantOf(value.trim())
        : undefined;
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  const missing = typeof value === "string" ? missingDay(value) : undefined;
  if (missing !== undefined) {
    ctx.addIssue({ code: "custom", message: `${shown} names no day of the calendar: ${missing}` });
    return z.NEVER;
  }
  if (date !== undefined && !Number.isNaN(date.getTime())) return date;
  ctx.addIssue({
    code: "custom",
    message: `must be a date (2026-03-01, midnight UTC), an instant with its offset (2026-03-01T09:00:00+02:00), a Date or epoch milliseconds, not ${shown}${zoneless(value) ? ", which names no time zone: add Z or an offset" : ""}`,
  });
  return z.NEVER;
});

/** Whether a value is an ISO date and time without a zone (`2026-03-01T09:00:00`), which `new Date` reads as local time. */
function zoneless(value: unknown): boolean {
  return (
    typeof value === "string" && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())
  );
}

/**
 * Why a string's leading `YYYY-MM-DD` names no day (`February 2026 has 28
 * days`), if it does not: `new Date` rolls `2026-02-30` over to March 2
 * without a word, which would move a window's end.
 */
function missingDay(text: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text.trim());
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day >= 1 && day <= days) return undefined;
  const name = new Date(Date.UTC(year, month - 1, 1)).toLocaleString("en", {
    month: "long",
    timeZone: "UTC",
  });
  return `${name} ${year} has ${days} days`;
}

// The shape is a const of its own and types the schema, so the built .d.ts keeps each field's TSDoc for hover.
const measureOptionsShape = {
  /** Start of the window, inclusive. */
  from: windowEnd,
  /** End of the window, exclusive. */
  to: windowEnd,
  /**
   * Only this line's items and signals (those routed to it, as of `to`), and its deployments for the DORA
   * measures: those naming the line (else shipping its items), with the
   * incidents blamed on them and the deployments remediating those or the
   * line's incidents.
   */
  line: z.string().min(1).optional(),
  /** Only items this operator owned at `to`, and signals they captured. */
  operator: z.string().min(1).optional(),
  /** Environment the DORA measures count (default `production`). */
  environment: z.string().min(1).default("production"),
  /** What disqualifies a delivered item from first-pass yield (all three by default). */
  yield: strictInput({
    /** A gate refusal on the way disqualifies it. */
    gateFailures: z.boolean().default(true),
    /** Being sent back for rework disqualifies it. */
    sendBacks: z.boolean().default(true),
    /** A suspect link reviewed as `adapted` disqualifies it. */
    adaptedLinks: z.boolean().default(true),
  }).prefault({}),
};
/** Options of {@link measureAssembly}: a misspelt key (`lines` for `line`) is refused, not dropped. */
export const MeasureOptionsSchema: z.ZodObject<typeof measureOptionsShape, z.core.$strict> = strictInput(
  measureOptionsShape,
).refine((options) => options.from.getTime() < options.to.getTime(), {
  message: "from must be before to",
  path: ["to"],
});
/** Options of {@link measureAssembly}. */
export type MeasureOptions = z.input<typeof MeasureOptionsSchema>;
