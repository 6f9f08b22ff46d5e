import { firstSafeLine } from "@software-factory/core";
import { slugify } from "../model.js";
import type { OperatorDecl } from "../Plan.js";

/**
 * Maps owner handles from another tool (`@acme/payments`, `alice@acme.com`,
 * `group:default/payments`) to operators: a declared operator whose handle in
 * that tool matches, or a new one named after the handle. A created
 * operator's name is made one line (`toSafeLine`; its id when nothing is
 * left), as a plan takes it; the handle is kept as written.
 */
export class OperatorMapper {
  readonly #tool: string;
  readonly #byHandle = new Map<string, string>();
  readonly #created = new Map<string, OperatorDecl>();
  readonly #known: Set<string>;

  constructor(tool: string, known: readonly OperatorDecl[] = []) {
    this.#tool = tool;
    this.#known = new Set(known.map((operator) => operator.id));
    // The first operator declaring a handle keeps it, as validatePlan's duplicate-handle warning says.
    const claim = (handle: string, id: string) => {
      if (!this.#byHandle.has(handle.toLowerCase())) this.#byHandle.set(handle.toLowerCase(), id);
    };
    for (const operator of known) {
      const handle = operator.handles[tool];
      if (handle !== undefined) claim(handle, operator.id);
      if (operator.email !== undefined) claim(operator.email, operator.id);
    }
  }

  /** The operator id for a handle, creating an operator when none matches. */
  idOf(handle: string, name = handle): string {
    const mapped = this.#byHandle.get(handle.toLowerCase());
    if (mapped !== undefined) return mapped;
    const bare = handle.replace(/^(user|group|component):/, "").replace(/^default\//, "");
    const id = slugify(bare.startsWith("@") ? bare.slice(1) : bare.replace(/@.*$/, ""));
    if (!this.#known.has(id) && !this.#created.has(id)) {
      this.#created.set(id, {
        id,
        name: firstSafeLine(name, id),
        roles: ["line"],
        handles: { [this.#tool]: handle },
      });
    }
    this.#byHandle.set(handle.toLowerCase(), id);
    return id;
  }

  /** Sets what a created operator knows (a name, made one line, and an email) when the source tells. */
  describe(id: string, details: Partial<Pick<OperatorDecl, "name" | "email">>): void {
    const operator = this.#created.get(id);
    if (operator === undefined) return;
    this.#created.set(id, { ...operator, ...details, name: firstSafeLine(details.name, operator.name) });
  }

  /** Operators created for handles no declared operator had. */
  created(): OperatorDecl[] {
    return [...this.#created.values()];
  }
}
