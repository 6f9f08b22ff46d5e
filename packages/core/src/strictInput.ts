import { z } from "zod";

/**
 * An input object of the keys in `shape` only: another key (a typo such as
 * `flw` for `flow`, or `line` for `lines`) is refused, naming it and the keys
 * the input takes, rather than dropped so the write goes ahead without it.
 *
 * @example
 * ```ts
 * const Input = strictInput({ title: z.string(), lines: z.array(z.string()) });
 * Input.safeParse({ title: "x", line: ["a"] });
 * // issue: unknown key "line"; the keys are title, lines
 * ```
 */
export const strictInput = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((key) => `"${key}"`).join(", ")}; the keys are ${Object.keys(shape).join(", ")}`
        : undefined,
  });
