/** A skill that always fails, for the tests of how a failed run is recorded. */
import { defineSkill } from "@software-factory/intelligence";
import { z } from "zod";

/** `always-fails`: fails with the message it is given. */
export const failing = defineSkill({
  name: "always-fails",
  description: "Fails with the message it is given.",
  input: z.object({ message: z.string() }),
  output: z.object({}),
  run: async ({ message }) => {
    throw new Error(message);
  },
});
