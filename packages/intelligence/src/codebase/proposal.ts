/**
 * What reading a repository proposes to the factory: lines, dependencies,
 * owners, blueprints, inferred requirements and knowledge documents, each with
 * the evidence it came from. The scanners produce these; `importCodebase`
 * applies them without overwriting what a person wrote.
 *
 * @module
 */
import type { Decision, DocumentKind } from "@software-factory/knowledge";

/** Where an inferred fact came from: the file, the commit it was read at, the method, and how sure it is. */
export interface Evidence {
  /** Repository-relative path (POSIX separators) of the file the fact was read from. */
  readonly file: string;
  /** Commit the file was read at (HEAD of the scan), when the repository is a git repository. */
  readonly commit?: string;
  /** How the fact was found: `npm-workspaces`, `cargo-workspace`, `ts-imports`, `git-history`, `vitest`... */
  readonly method: string;
  /** 1 for declared facts (a manifest, CODEOWNERS), below 1 for inferred ones. */
  readonly confidence: number;
  /** A short human-readable account (`62% of 40 commits since 2026-05-01`). */
  readonly detail?: string;
}

/** The ecosystem a line was found in. */
export type Ecosystem = "npm" | "cargo" | "go" | "python" | "maven" | "gradle" | "folder";

/** A line proposed from the repository's structure: one package, module or top-level folder. */
export interface ProposedLine {
  /** Floor plan line id (slug of the package name). */
  readonly id: string;
  /** Display title (the package name as the manifest spells it). */
  readonly title: string;
  /** Manifest description, else the README's first paragraph. */
  readonly description?: string;
  /** Repository-relative folder of the line (`packages/core`); `.` for the root. */
  readonly root: string;
  /** Code path globs of the line (`packages/core/**`). */
  readonly paths: readonly string[];
  readonly ecosystem: Ecosystem;
  /** The package name in its ecosystem (`@acme/core`, `acme-core`, `github.com/acme/core`). */
  readonly packageName: string;
  readonly evidence: Evidence;
}

/** A dependency between two proposed lines, from manifests and/or the import graph. */
export interface ProposedDependency {
  readonly from: string;
  readonly to: string;
  /** `library` for code dependencies. */
  readonly kind: "library";
  /** Every piece of evidence: the manifest entry, and import statements (first few files). */
  readonly evidence: readonly Evidence[];
}

/** An owner proposed for a line, from CODEOWNERS or from git history; a person confirms it. */
export interface ProposedOwner {
  readonly line: string;
  /** Operator id (slug of the CODEOWNERS handle or the git author's e-mail local part). */
  readonly operator: string;
  /** Display name of the operator (git author name, or the handle). */
  readonly name: string;
  /** E-mail address when known (git history). */
  readonly email?: string;
  /** CODEOWNERS handle (`@acme/payments`) when it came from CODEOWNERS. */
  readonly handle?: string;
  readonly evidence: Evidence;
}

/** A blueprint: one knowledge document per line describing its purpose and surface. */
export interface ProposedBlueprint {
  readonly line: string;
  readonly title: string;
  /** Markdown: purpose, public surface, dependencies in and out, configuration, data stores, files. */
  readonly body: string;
  /** Repository-relative files the blueprint was read from. */
  readonly files: readonly string[];
  readonly evidence: Evidence;
}

/** The test framework a test was found in. */
export type TestFramework = "vitest" | "jest" | "mocha" | "node:test" | "pytest" | "go" | "gherkin";

/** A requirement inferred from a test (or a Gherkin scenario), linked to its line and to the test. */
export interface InferredRequirement {
  /** Stable artifact id for the requirement (`REQ-` + short hash of file and describe path). */
  readonly id: string;
  /** Stable artifact id of the test that verifies it (`TEST-` + the same hash). */
  readonly testId: string;
  /** The line whose paths contain the test file, if any. */
  readonly line?: string;
  /** Requirement statement built from the describe path and the test name. */
  readonly title: string;
  /** `describe` blocks (or Feature) around the test, outermost first. */
  readonly describePath: readonly string[];
  /** The test's own name (or the Scenario). */
  readonly testName: string;
  readonly framework: TestFramework;
  /** Repository-relative test file and 1-based line of the test. */
  readonly file: string;
  readonly fileLine: number;
  readonly evidence: Evidence;
}

/** A knowledge document found in the repository: docs, ADRs, READMEs, CHANGELOGs, runbooks. */
export interface ProposedDocument {
  /** Stable capture key (`repo:<path>`), so a re-run revises instead of duplicating. */
  readonly key: string;
  readonly kind: DocumentKind;
  readonly title: string;
  readonly body: string;
  /** Repository-relative file. */
  readonly file: string;
  /** Lines whose paths contain the file. */
  readonly lines: readonly string[];
  /** The decision fields, for ADRs (MADR or Nygard). */
  readonly decision?: Decision;
  readonly evidence: Evidence;
}

/** Everything a scan of a repository proposes. */
export interface CodebaseProposal {
  /** Absolute path of the repository root. */
  readonly root: string;
  /** HEAD commit, when the root is a git repository. */
  readonly commit?: string;
  readonly lines: readonly ProposedLine[];
  readonly dependencies: readonly ProposedDependency[];
  readonly owners: readonly ProposedOwner[];
  readonly blueprints: readonly ProposedBlueprint[];
  readonly requirements: readonly InferredRequirement[];
  readonly documents: readonly ProposedDocument[];
}
