import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { CaptureInput, CaptureInputSchema, SearchOptions, SearchOptionsSchema } from "../src/index.js";

describe("public input types", () => {
  it("CaptureInput and SearchOptions are exactly what their schemas accept", () => {
    expectTypeOf<CaptureInput>().toEqualTypeOf<z.input<typeof CaptureInputSchema>>();
    expectTypeOf<SearchOptions>().toEqualTypeOf<z.input<typeof SearchOptionsSchema>>();
  });
});
