import { z } from "zod";

/**
 * An object of the keys in `shape` only: another key (a typo such as `line`
 * for `lines`) is refused, naming it and the keys the input takes, rather
 * than dropped so the document is written without it.
 */
export const strictInput = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((key) => `"${key}"`).join(", ")}; the keys are ${Object.keys(shape).join(", ")}`
        : undefined,
  });
