import { z } from "zod";

/** How much a signal hurts the customer. */
export const SeveritySchema = z.enum(["low", "medium", "high", "critical"]);
/** How much a signal hurts the customer. */
export type Severity = z.infer<typeof SeveritySchema>;

/** A customer signal captured by a field operator, folded from its events. */
export interface Signal {
  /** Stable id (`sig_...`). */
  readonly id: string;
  /** What the customer said or what was observed. */
  readonly text: string;
  /** Where it came from (`support`, `sales-call`, `monitoring`). */
  readonly source: string;
  /** The customer concerned, if any. */
  readonly customer: string | undefined;
  /** Low, medium, high or critical. */
  readonly severity: Severity;
  /** The operator who captured it. */
  readonly capturedBy: string;
  /** When it was captured. */
  readonly capturedAt: string;
  /** The line it was routed to last (a re-route moves it). */
  readonly line: string | undefined;
  /**
   * When it was first routed to a line; a re-route leaves it as it is. The
   * signal-resolution measure's hours to routing, and an SLA on routing, start
   * from capture and end here.
   */
  readonly firstRoutedAt: string | undefined;
  /** When it was routed last: the routing that put it on `line` (a re-route overwrites it). */
  readonly routedAt: string | undefined;
  /** Who routed it last: an operator, or an automation (`automation:route-new-signals`). */
  readonly routedBy: string | undefined;
  /** Work items it is attached to: created with it, or linked to it (`addresses` from the item) by a link not reviewed obsolete. */
  readonly workItems: readonly string[];
  /**
   * When it was resolved: when work it is attached to was delivered, or
   * linked to it after delivery; undefined again once the link to the work
   * that resolved it is reviewed obsolete.
   */
  readonly resolvedAt: string | undefined;
}
