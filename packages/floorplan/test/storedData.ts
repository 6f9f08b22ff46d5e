import { defineEvent, type NewEvent, openEventLog } from "@software-factory/core";
import { floorPlanEvents, floorPlanEventTypes, openFloorPlan } from "@software-factory/floorplan";
import { z } from "zod";
import { shopPlan } from "./fixtures.js";

/**
 * Appends floor plan events to the log at `path` as an older version of the
 * SDK wrote them: under the floor plan's event types, but without today's
 * checks (length limits, control characters, self-dependencies), so a test
 * can open a factory holding data stored before those checks existed.
 */
export async function appendAsStoredBefore(path: string, events: readonly NewEvent[]): Promise<void> {
  const log = await openEventLog({
    path,
    events: floorPlanEventTypes.map((type) => defineEvent(type, z.looseObject({}))),
  });
  try {
    await log.append([...events, { type: "floorplan.plan.applied", subject: "floorplan", data: {} }]);
  } finally {
    await log.close();
  }
}

/**
 * Makes a log at `path` holding the shop plan, applied by today's SDK, then
 * `stored` appended as an older version wrote it (see {@link appendAsStoredBefore}).
 */
export async function shopPlanThenStoredBefore(path: string, stored: readonly NewEvent[]): Promise<void> {
  const log = await openEventLog({ path, events: floorPlanEvents });
  const floorplan = await openFloorPlan({ log });
  try {
    await floorplan.applyPlan(shopPlan());
  } finally {
    await floorplan.close();
    await log.close();
  }
  await appendAsStoredBefore(path, stored);
}
