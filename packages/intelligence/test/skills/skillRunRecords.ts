/**
 * How the skill-run tests read what a run left: the `skill.ran` events of the
 * factory's log, and the error a run was refused with.
 */
import { type Factory, SkillRan } from "@software-factory/intelligence";
import type { z } from "zod";

/** The `skill.ran` events of the factory's log, in order: the actor, the skill and the event's data. */
export async function runs(factory: Factory) {
  const events = await factory.log.read({ types: [SkillRan.type] });
  return events.map((event) => ({
    actor: event.actor,
    skill: event.subject,
    ...(event.data as z.infer<typeof SkillRan.schema>),
  }));
}

/** What `run` rejected with; throws when it resolved instead. */
export async function failure(run: Promise<unknown>): Promise<Error> {
  return run.then(
    () => {
      throw new Error("the run did not fail");
    },
    (error: unknown) => error as Error,
  );
}
