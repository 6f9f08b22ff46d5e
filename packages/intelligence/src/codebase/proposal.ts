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
  /**
   * The ecosystem whose manifest declared it (`npm`, `cargo`...), or `folder` for a plain top-level folder.
   */
  readonly ecosystem: Ecosystem;
  /** The package name in its ecosystem (`@acme/core`, `acme-core`, `github.com/acme/core`). */
  readonly packageName: string;
  /** The manifest or folder the line was read from. */
  readonly evidence: Evidence;
}

/** A dependency between two proposed lines, from manifests and/or the import graph. */
export interface ProposedDependency {
  /** Id of the proposed line that depends. */
  readonly from: string;
  /** Id of the proposed line it depends on. */
  readonly to: string;
  /** `library` for code dependencies. */
  readonly kind: "library";
  /** Every piece of evidence: the manifest entry, and import statements (first few files). */
  readonly evidence: readonly Evidence[];
}

/** An owner proposed for a line, from CODEOWNERS or from git history; a person confirms it. */
export interface ProposedOwner {
  /** Id of the proposed line it would own. */
  readonly line: string;
  /** Operator id (slug of the CODEOWNERS handle or the git author's e-mail local part). */
  readonly operator: string;
  /** Display name of the operator (git author name, or the handle). */
  readonly name: string;
  /** E-mail address when known (git history). */
  readonly email?: string;
  /** CODEOWNERS handle (`@acme/payments`) when it came from CODEOWNERS. */
  readonly handle?: string;
  /** The CODEOWNERS rule or the git history the owner was read from, with its confidence. */
  readonly evidence: Evidence;
}

/** A blueprint: one knowledge document per line describing its purpose and surface. */
export interface ProposedBlueprint {
  /** Id of the proposed line it describes. */
  readonly line: string;
  /** The blueprint document's title. */
  readonly title: string;
  /** Markdown: purpose, public surface, dependencies in and out, configuration, data stores, files. */
  readonly body: string;
  /** Repository-relative files the blueprint was read from. */
  readonly files: readonly string[];
  /** The line's manifest and the method that wrote the blueprint. */
  readonly evidence: Evidence;
}

/** The test framework a test was found in. */
export type TestFramework =
  | "vitest"
  | "jest"
  | "mocha"
  | "node:test"
  | "pytest"
  | "go"
  | "rust"
  | "junit"
  | "gherkin";

/** A requirement inferred from a test (or a Gherkin scenario), linked to its line and to the test. */
export interface InferredRequirement {
  /** Stable artifact id for the requirement (`REQ-` + short hash of file and describe path). */
  readonly id: string;
  /** Stable artifact id of the test that verifies it (`TEST-` + the same hash). */
  readonly testId: string;
  /** The line whose paths contain the test file, if any. */
  readonly line?: string;
  /** Requirement statement built from the describe path and the test name (placeholders of an unknown `.each` table shown as `<parameter>`). */
  readonly title: string;
  /** `describe` blocks (or Feature) around the test, outermost first. */
  readonly describePath: readonly string[];
  /** The test's own name (or the Scenario); for one row of a `.each` table written out in the source, with the row's values put in. */
  readonly testName: string;
  /** The test framework the test was written for. */
  readonly framework: TestFramework;
  /** Repository-relative test file and 1-based line of the test. */
  readonly file: string;
  /** 1-based line of the test in `file`. */
  readonly fileLine: number;
  /** The test file and the method that found the test. */
  readonly evidence: Evidence;
}

/** A knowledge document found in the repository: docs, ADRs, READMEs, CHANGELOGs, runbooks. */
export interface ProposedDocument {
  /** Stable capture key (`repo:<path>`), so a re-run revises instead of duplicating. */
  readonly key: string;
  /** Which kind of document it is captured as (`decision` for ADRs, `runbook`, `note`...). */
  readonly kind: DocumentKind;
  /** Its title (front matter `title`, else the first heading, else the file name; READMEs `<line> README`), at most 500 characters. */
  readonly title: string;
  /** Its markdown, without the front matter. */
  readonly body: string;
  /** Repository-relative file. */
  readonly file: string;
  /** Lines whose paths contain the file. */
  readonly lines: readonly string[];
  /** The decision fields, for ADRs (MADR or Nygard). */
  readonly decision?: Decision;
  /** The file and how it was read (`adr-madr`, `adr-nygard`, `readme`, `runbook`...). */
  readonly evidence: Evidence;
}

/** Everything a scan of a repository proposes. */
export interface CodebaseProposal {
  /** Absolute path of the repository root. */
  readonly root: string;
  /** HEAD commit, when the root is a git repository. */
  readonly commit?: string;
  /** One line per package, module or top-level folder found. */
  readonly lines: readonly ProposedLine[];
  /** Dependencies between those lines. */
  readonly dependencies: readonly ProposedDependency[];
  /** Owners proposed for those lines, from CODEOWNERS or git history. */
  readonly owners: readonly ProposedOwner[];
  /** One blueprint per line. */
  readonly blueprints: readonly ProposedBlueprint[];
  /** Requirements inferred from tests, each with the test that verifies it. */
  readonly requirements: readonly InferredRequirement[];
  /** Knowledge documents found: docs, ADRs, READMEs, changelogs, runbooks. */
  readonly documents: readonly ProposedDocument[];
}
