/**
 * How a factory tool is declared and turned into an MCP tool result.
 *
 * @module
 */
import type { Factory } from "@software-factory/intelligence";
import type { z } from "zod";

/** Hints for clients about what a tool does to the factory. */
export interface ToolHints {
  /** Only reads. */
  readonly readOnlyHint: boolean;
  /** May remove or overwrite what someone wrote. */
  readonly destructiveHint?: boolean;
  /** Calling it twice with the same arguments has the effect of calling it once. */
  readonly idempotentHint?: boolean;
}

/** One tool of the factory's MCP server. */
export interface FactoryTool<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly title: string;
  /** What it does and when to use it, written for the model choosing among tools. */
  readonly description: string;
  readonly input: Input;
  readonly output: Output;
  readonly annotations: ToolHints;
  /** Group the tool belongs to, for `tools` selection (`knowledge`, `floorplan`, `work`, `standards`, `skills`, `import`). */
  readonly group: "knowledge" | "floorplan" | "work" | "standards" | "skills" | "import";
  /** Runs the tool; the result is sent as JSON and must match `output`. */
  readonly run: (factory: Factory, input: z.output<Input>) => Promise<unknown>;
}

/** Declares a tool with its schemas; the handler gets parsed input. */
export function defineTool<Input extends z.ZodType, Output extends z.ZodType>(
  tool: FactoryTool<Input, Output>,
): FactoryTool<Input, Output> {
  return tool;
}

/** Error result content: a message that says what was wrong and what to change. */
export function errorResult(error: unknown): { isError: true; content: { type: "text"; text: string }[] } {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    isError: true,
    content: [{ type: "text", text: typeof code === "string" ? `${code}: ${message}` : message }],
  };
}

/** A successful result: the structured record, and the same as JSON text for clients that read only text. */
export function okResult(value: unknown): {
  content: { type: "text"; text: string }[];
  structuredContent: Record<string, unknown>;
} {
  const structured = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  return { content: [{ type: "text", text: JSON.stringify(structured) }], structuredContent: structured };
}
