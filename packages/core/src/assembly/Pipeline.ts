import { z } from "zod";
import { type ValidationError, validationErrorFromZod } from "../errors.js";

/** A stage name: lowercase words joined by `-` (`intake`, `code-review`). */
export const StageNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, "stage name must be 1-40 chars of [a-z0-9-], starting with a letter");

/** One stage of the pipeline. */
export const StageSchema = z.object({
  /** Unique name of the stage. */
  name: StageNameSchema,
  /** Whether an item in this stage counts toward its line's WIP limit (default true). */
  wip: z.boolean().default(true),
  /**
   * Artifact kinds an item needs before it may leave this stage forward
   * (`changeSet` to leave implementation, `testEvidence` to leave testing).
   */
  exitRequires: z.array(z.string().min(1)).default([]),
});
/** One stage of the pipeline, with defaults filled in. */
export type Stage = z.output<typeof StageSchema>;

/** How suspicion travels over a link type: to the whole impact set, one hop only, or not at all. */
export const PropagationSchema = z.enum(["transitive", "direct", "none"]);
/** How suspicion travels over a link type. */
export type Propagation = z.infer<typeof PropagationSchema>;

// The shape is a const of its own and types the schema, so the built .d.ts keeps each field's TSDoc for hover.
const pipelineConfigShape = {
  /** The stages, in order; items move forward through them. */
  stages: z.array(StageSchema).min(1, "a pipeline needs at least one stage"),
  /** Named flows: each lists stages of the pipeline, in pipeline order. */
  flows: z.record(
    z.string().regex(/^[a-z][a-z0-9-]*$/, "flow name must be lowercase"),
    z.array(StageNameSchema),
  ),
  /** Flow of items that name none. */
  defaultFlow: z.string(),
  /** Entering this stage counts as delivery (releases, lead time, signal resolution); else completion does. */
  deliveryStage: StageNameSchema.optional(),
  /** WIP limit per line id, used when the line directory gives none. */
  wipLimits: z.record(z.string(), z.number().int().positive()).default({}),
  /** WIP limit of lines with no limit of their own; none means unlimited. */
  defaultWipLimit: z.number().int().positive().optional(),
  /** Per link type, how an upstream change travels down the chain; unlisted types are `transitive`. */
  propagation: z.record(z.string(), PropagationSchema).default({}),
};
/**
 * The configuration of an assembly line: stages in order, named flows (the
 * subset of stages an item goes through, so ceremony scales with the change),
 * WIP limits and how suspect links propagate.
 */
export const PipelineConfigSchema: z.ZodObject<typeof pipelineConfigShape, z.core.$strip> = z
  .object(pipelineConfigShape)
  .superRefine((config, ctx) => {
    const names = config.stages.map((stage) => stage.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) {
        ctx.addIssue({
          code: "custom",
          path: ["stages", index, "name"],
          message: `duplicate stage "${name}"`,
        });
      }
    });
    for (const [flow, stages] of Object.entries(config.flows)) {
      if (stages.length === 0) {
        ctx.addIssue({ code: "custom", path: ["flows", flow], message: "a flow needs at least one stage" });
      }
      let previous = -1;
      stages.forEach((stage, index) => {
        const at = names.indexOf(stage);
        if (at === -1) {
          ctx.addIssue({
            code: "custom",
            path: ["flows", flow, index],
            message: `unknown stage "${stage}"; stages: ${names.join(", ")}`,
          });
        } else if (at <= previous) {
          ctx.addIssue({
            code: "custom",
            path: ["flows", flow, index],
            message: `stage "${stage}" is out of pipeline order or repeated`,
          });
        } else {
          previous = at;
        }
      });
    }
    if (!(config.defaultFlow in config.flows)) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultFlow"],
        message: `unknown flow "${config.defaultFlow}"; flows: ${Object.keys(config.flows).join(", ")}`,
      });
    }
    if (config.deliveryStage !== undefined && !names.includes(config.deliveryStage)) {
      ctx.addIssue({
        code: "custom",
        path: ["deliveryStage"],
        message: `unknown stage "${config.deliveryStage}"`,
      });
    }
  });

/** A pipeline configuration as written by a user (defaults may be omitted). */
export type PipelineInput = z.input<typeof PipelineConfigSchema>;
/** A validated pipeline configuration, defaults filled in. */
export type PipelineConfig = z.output<typeof PipelineConfigSchema>;

/** The default stages, from a customer signal to operational feedback. */
export const DEFAULT_STAGES = [
  "intake",
  "requirements",
  "design",
  "architecture",
  "implementation",
  "testing",
  "release",
  "operate",
] as const;

/**
 * The default pipeline: eight stages; `intake` and `operate` do not count
 * toward WIP; leaving implementation needs a change set and leaving testing
 * needs test evidence; flows `tiny` (intake, implementation, testing, release),
 * `standard` (adds requirements and operate) and `full` (every stage).
 */
export const DEFAULT_PIPELINE: PipelineInput = {
  stages: DEFAULT_STAGES.map((name) => ({
    name,
    wip: name !== "intake" && name !== "operate",
    exitRequires: name === "implementation" ? ["changeSet"] : name === "testing" ? ["testEvidence"] : [],
  })),
  flows: {
    tiny: ["intake", "implementation", "testing", "release"],
    standard: ["intake", "requirements", "implementation", "testing", "release", "operate"],
    full: [...DEFAULT_STAGES],
  },
  defaultFlow: "standard",
  deliveryStage: "release",
};

/**
 * Validates a pipeline configuration and fills in defaults.
 *
 * @throws ValidationError naming each bad field (`flows.tiny[2]: unknown stage "qa"`).
 * @example
 * ```ts
 * const pipeline = parsePipeline({ ...DEFAULT_PIPELINE, defaultFlow: "tiny" });
 * ```
 */
export function parsePipeline(input: unknown, file?: string): PipelineConfig {
  const result = safeParsePipeline(input, file);
  if (!result.success) throw result.error;
  return result.data;
}

/** Result form of {@link parsePipeline}: never throws. */
export function safeParsePipeline(
  input: unknown,
  file?: string,
):
  | {
      /** The input was a valid pipeline. */
      success: true;
      /** The pipeline, with defaults filled in. */
      data: PipelineConfig;
    }
  | {
      /** The input was not a valid pipeline. */
      success: false;
      /** Names every bad field, with `file` when one was given. */
      error: ValidationError;
    } {
  const result = PipelineConfigSchema.safeParse(input);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    error: validationErrorFromZod(result.error.issues, {
      subject: "pipeline configuration",
      ...(file === undefined ? {} : { file }),
    }),
  };
}
