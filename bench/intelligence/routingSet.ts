/**
 * The routing set (`../shared/data/routing`, TanStack Query history): product
 * lines with their README and source files, and change descriptions labelled
 * with their line, split into history (learned) and test (measured).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type RoutableLine, Router } from "@software-factory/intelligence";

/** A product line of the set. */
export interface RoutingLine {
  readonly id: string;
  readonly description: string;
}

/** One record per line and kind: `readme` (text) and `code-map` (its source files, one path a line). */
export interface RoutingKnowledge {
  readonly line: string;
  readonly kind: string;
  readonly title: string;
  readonly text: string;
}

/** A change description labelled with its line, in the history or the test split. */
export interface RoutingItem {
  readonly id?: string;
  readonly at: string;
  readonly title: string;
  readonly body: string;
  readonly line: string;
  readonly split: string;
}

/** The set as read from its folder. */
export interface RoutingSet {
  readonly lines: readonly RoutingLine[];
  readonly knowledge: readonly RoutingKnowledge[];
  /** The lines as the Router takes them: description, README as `knowledge`, source paths as `files`. */
  readonly routable: readonly RoutableLine[];
  readonly history: readonly RoutingItem[];
  readonly test: readonly RoutingItem[];
}

/** Reads `lines.jsonl`, `knowledge.jsonl` and `items.jsonl` from `dataDir`. */
export function loadRoutingSet(dataDir: string): RoutingSet {
  const jsonl = <T>(file: string): T[] =>
    readFileSync(join(dataDir, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as T);
  const lines = jsonl<RoutingLine>("lines.jsonl");
  const knowledge = jsonl<RoutingKnowledge>("knowledge.jsonl");
  const knowledgeOf = (line: string, kind: string) =>
    knowledge
      .filter((record) => record.line === line && record.kind === kind)
      .map((record) => record.text)
      .join("\n");
  const routable: RoutableLine[] = lines.map((line) => ({
    id: line.id,
    description: line.description,
    knowledge: knowledgeOf(line.id, "readme"),
    files: knowledgeOf(line.id, "code-map")
      .split("\n")
      .filter((path) => path !== ""),
  }));
  const items = jsonl<RoutingItem>("items.jsonl");
  return {
    lines,
    knowledge,
    routable,
    history: items.filter((item) => item.split === "history"),
    test: items.filter((item) => item.split === "test"),
  };
}

/** The text an item is routed by: its title, then its body. */
export const textOf = (item: { title: string; body: string }): string => `${item.title}\n${item.body}`;

/** Makes a fresh Router over the set's lines that has learned the given items under their labelled lines. */
export type TrainedRouter = (learned: readonly { title: string; body: string; line: string }[]) => Router;

/** A {@link TrainedRouter} for the set's lines. */
export function trainedRouterOf(routable: readonly RoutableLine[]): TrainedRouter {
  return (learned) => {
    const instance = new Router();
    instance.setLines(routable);
    learned.forEach((item, position) => {
      instance.learn({ id: `h${position}`, text: textOf(item), line: item.line });
    });
    return instance;
  };
}
