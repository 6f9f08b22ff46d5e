/**
 * The reads of a knowledge base: each folds what the log gained since (any
 * process's writes) and answers from the projection's documents and
 * indexes. `KnowledgeBase` checks each call's arguments before handing it
 * here, as it hands the writes to `KnowledgeWriter`.
 *
 * @module
 */
import type { Clock, KnownLines } from "@software-factory/core";
import type { z } from "zod";
import type { KnowledgeDocument } from "../DocumentStore.js";
import { type IncomingLink, incomingLinks } from "../incomingLinks.js";
import { documentFilter, type SearchOptionsSchema, type SearchResult } from "../search/searchOptions.js";
import type { KnowledgeProjection } from "./KnowledgeProjection.js";
import { expectKnownFilterLines } from "./knownFilterLines.js";

/** Search options as `SearchOptionsSchema` parsed them, defaults filled in. */
type ParsedSearchOptions = z.output<typeof SearchOptionsSchema>;

/** What a {@link KnowledgeReader} reads from. */
export interface KnowledgeReaderOptions {
  /** The documents and indexes, synced before each read. */
  readonly projection: KnowledgeProjection;
  /** The floor plan's lines, to check the lines a filter names; every line is accepted without. */
  readonly lines: KnownLines | undefined;
  /** The log's clock, which says what is in force now. */
  readonly clock: Clock;
}

/** Answers the reads of a knowledge base from its projection, synced first; arguments come checked. */
export class KnowledgeReader {
  readonly #projection: KnowledgeProjection;
  readonly #lines: KnownLines | undefined;
  readonly #clock: Clock;

  constructor(options: KnowledgeReaderOptions) {
    this.#projection = options.projection;
    this.#lines = options.lines;
    this.#clock = options.clock;
  }

  /** A document as it is now, or as it read at `asOf`. */
  async get(id: string, asOf: string | undefined): Promise<KnowledgeDocument | undefined> {
    await this.#projection.sync();
    const { documents } = this.#projection;
    return asOf === undefined ? documents.get(id) : documents.asOf(id, asOf);
  }

  /** The document captured from a source address, if any. */
  async bySource(system: string, uri: string): Promise<KnowledgeDocument | undefined> {
    await this.#projection.sync();
    return this.#projection.documents.bySource(system, uri);
  }

  /** Every document captured from a source system, retracted ones included. */
  async fromSystem(system: string): Promise<KnowledgeDocument[]> {
    await this.#projection.sync();
    return [...this.#projection.documents.all()].filter((document) => document.source.system === system);
  }

  /** The links from documents to `target`, those in force first, then newest first. */
  async linksTo(target: string): Promise<IncomingLink[]> {
    await this.#projection.sync();
    return incomingLinks(this.#projection.documents.all(), target, this.#clock);
  }

  /** The documents `filters` keep, newest first, `limit` of them after `offset`; with `asOf`, each as it read then. */
  async list(filters: ParsedSearchOptions, offset: number, limit: number): Promise<KnowledgeDocument[]> {
    filters.signal?.throwIfAborted();
    await this.#syncForFilters(filters);
    const keep = documentFilter(filters, this.#clock);
    const { documents } = this.#projection;
    const page = [...documents.all()]
      .filter(keep)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
      .slice(offset, offset + limit);
    const { asOf } = filters;
    return asOf === undefined ? page : page.map((document) => documents.inForceAt(document, asOf));
  }

  /** The hybrid search for `text`, filtered and paged as `options` say. */
  async search(text: string, options: ParsedSearchOptions): Promise<SearchResult> {
    options.signal?.throwIfAborted();
    await this.#syncForFilters(options);
    return this.#projection.search(text, options);
  }

  /** Syncs, cancelled when the options' signal aborts, then refuses a filter line nothing knows. */
  async #syncForFilters(options: ParsedSearchOptions): Promise<void> {
    await this.#projection.sync(options.signal);
    await expectKnownFilterLines(this.#lines, () => this.#projection.documents.all(), options.lines);
  }
}
