import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Automation, defineAutomation, openFactory } from "@software-factory/intelligence";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";

const source = join(import.meta.dirname, "..", "..", "src", "automations", "Automation.ts");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The code of the `@example` in the TSDoc right above `export function <name>` in `file`, without its ` * ` margins. */
function tsdocExample(file: string, name: string): string {
  const text = readFileSync(file, "utf8");
  const end = text.indexOf(`export function ${name}`);
  const start = text.lastIndexOf("/**", end);
  const doc = text.slice(start, end);
  const example = /@example\s*\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/.exec(doc);
  if (end < 0 || example?.[1] === undefined)
    throw new Error(`${file}: no @example with a ts block above ${name}`);
  return example[1]
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, ""))
    .join("\n");
}

/** Runs the TSDoc example of defineAutomation as written there and answers the `welcome` it defines. */
function exampleAutomation(): Automation {
  const code = ts.transpileModule(`${tsdocExample(source, "defineAutomation")}\nreturn welcome;`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
    reportDiagnostics: false,
  }).outputText;
  // The example is a script that uses defineAutomation; run it with the package's own.
  return new Function("defineAutomation", code)(defineAutomation) as Automation;
}

describe("the TSDoc example of defineAutomation", () => {
  it("greets the operator the floor plan declares in their inbox, again when their declaration changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-automation-example-"));
    dirs.push(dir);
    const factory = await openFactory({ dir, durability: "normal", automations: [exampleAutomation()] });
    try {
      await factory.floorplan.applyPlan({ operators: [{ id: "ana", name: "Ana" }] });
      await factory.automations?.idle();
      expect(await factory.inbox.list("ana")).toEqual([
        expect.objectContaining({ to: "ana", title: "Welcome", from: "automation:welcome-operators" }),
      ]);

      await factory.floorplan.applyPlan({ operators: [{ id: "ana", name: "Ana" }] });
      await factory.automations?.idle();
      expect(await factory.inbox.list("ana")).toHaveLength(1);
      await factory.floorplan.applyPlan({ operators: [{ id: "ana", name: "Ana Lima" }] });
      await factory.automations?.idle();
      expect(await factory.inbox.list("ana")).toHaveLength(2);
    } finally {
      await factory.close();
    }
  });
});
