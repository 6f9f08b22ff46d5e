/**
 * What each ecosystem scanner of the structure scan finds: units (packages,
 * modules, folders), their manifest dependencies, and manifests it could not read.
 *
 * @module
 */
import type { Ecosystem } from "../../proposal.js";

/** A manifest the structure scan skipped, and why. */
export interface ManifestProblem {
  /** Repository-relative path of the manifest. */
  readonly file: string;
  /** What was wrong (`package.json is not valid JSON: ...`). */
  readonly message: string;
}

/** What a scanner sees of the repository. */
export interface ScanContext {
  readonly root: string;
  /** Repository-relative files, sorted. */
  readonly files: readonly string[];
  readonly fileSet: ReadonlySet<string>;
}

/** A package, module or folder found by one ecosystem scanner. */
export interface FoundUnit {
  /** Repository-relative folder (`.` for the root). */
  readonly root: string;
  /** The name as the manifest spells it. */
  readonly name: string;
  /** The readable base of the line id (the npm name without its scope, a Go module's last segment). */
  readonly idBase: string;
  /**
   * The id's base to try when `idBase` is taken, before the full name: a Go
   * module's folder (`sdk/log`), whose slug reads better than its module path's.
   */
  readonly idFallback?: string;
  readonly description?: string;
  readonly ecosystem: Ecosystem;
  /** The manifest (or folder) the unit was read from. */
  readonly manifest: string;
  /** How it was found (`npm-workspaces`, `cargo-workspace`...). */
  readonly method: string;
  /**
   * Whether its manifest says it is never published: npm `"private": true`, Cargo `publish = false`,
   * Maven `maven.deploy.skip`, a Gradle project nothing applies a publishing plugin to, a Go module
   * path nobody outside can fetch or import, a Python `Private ::` classifier or a project that is no package.
   */
  readonly unpublished?: boolean;
}

/** A dependency declared in a unit's manifest, on a folder or on a package name of the same ecosystem. */
export interface FoundDependency {
  /** Root of the depending unit. */
  readonly from: string;
  /** Root of the unit depended on (a `path =` dependency), when known. */
  readonly toRoot?: string;
  /** Package name depended on, matched against units of the same ecosystem. */
  readonly toName?: string;
  readonly ecosystem: FoundUnit["ecosystem"];
  readonly manifest: string;
  /** `npm-manifest`, `cargo-manifest`... */
  readonly method: string;
  /** Where in the manifest (`"@acme/core" in dependencies`). */
  readonly detail: string;
}

/** The result of one ecosystem scanner. */
export interface EcosystemScan {
  readonly units: readonly FoundUnit[];
  readonly dependencies: readonly FoundDependency[];
  readonly problems: readonly ManifestProblem[];
}

/** An empty scan, for ecosystems absent from the repository. */
export const EMPTY_SCAN: EcosystemScan = { units: [], dependencies: [], problems: [] };

/** The manifests named `name` in the repository, outside dependency, build and fixture folders. */
export function manifestsNamed(context: ScanContext, name: string): string[] {
  return context.files.filter(
    (file) =>
      (file === name || file.endsWith(`/${name}`)) &&
      !/(^|\/)(node_modules|vendor|dist|build|target|testdata|fixtures|__fixtures__)\//.test(file),
  );
}
