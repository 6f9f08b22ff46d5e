/**
 * The `exclusive` option of an automation, as its definition takes it and as
 * its claims read it: the schema that checks it, and the lease it comes to.
 *
 * @module
 */
import type { ValidationIssue } from "@software-factory/core";
import { inPlainWords, strictInput } from "@software-factory/core";
import { z } from "zod";
import { ClaimLeaseMsSchema } from "../skills/SkillRunKeys.js";
import type { Automation, ExclusivePolicy } from "./Automation.js";

/** How long an exclusive automation's claim holds its event by default: 15 minutes, as a skill run's key. */
export const DEFAULT_EXCLUSIVE_LEASE_MS = 15 * 60 * 1000;

/** The `{ leaseMs }` form of the option. */
const PolicySchema = strictInput({ leaseMs: ClaimLeaseMsSchema.optional() });

/** What is wrong with an `exclusive` option, each issue with its path inside the option. */
function issuesOf(value: unknown): { path: PropertyKey[]; message: string }[] {
  if (typeof value === "boolean") return [];
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [{ path: [], message: "must be true, false or { leaseMs }" }];
  const parsed = PolicySchema.safeParse(value);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ path: issue.path, message: inPlainWords(issue) }));
}

/** An automation's `exclusive` option: a boolean, or `{ leaseMs }` with a lease of 1 ms to a year. */
export const ExclusiveSchema = z.custom<boolean | ExclusivePolicy>().superRefine((value, context) => {
  for (const issue of issuesOf(value)) context.addIssue({ code: "custom", ...issue });
});

/** The issues of an `exclusive` option, each with its path from the definition (`exclusive.leaseMs`). */
export function exclusiveIssues(value: unknown): ValidationIssue[] {
  if (value === undefined) return [];
  return issuesOf(value).map((issue) => ({
    path: ["exclusive", ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

/** The claim lease of an exclusive automation, in ms; undefined when the automation is not exclusive. */
export function exclusiveLease<Services>(automation: Automation<Services>): number | undefined {
  const { exclusive } = automation;
  if (exclusive === undefined || exclusive === false) return undefined;
  return exclusive === true ? DEFAULT_EXCLUSIVE_LEASE_MS : (exclusive.leaseMs ?? DEFAULT_EXCLUSIVE_LEASE_MS);
}
