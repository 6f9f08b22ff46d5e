/**
 * A large factory for the start-up and latency benchmarks: lines in domains,
 * each depending on up to three earlier lines, and notes written from a small
 * vocabulary, one note per line in turn.
 */
import { hashJson } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { DocumentCaptured } from "@software-factory/knowledge";

const words =
  "checkout payment refund cart order invoice tax shipping search ranking index catalog price discount coupon account login session token password email notification webhook retry timeout latency cache queue worker deploy rollback incident alert metric dashboard report export import csv api schema migration database replica backup".split(
    " ",
  );

/** A seeded word picker, so every run builds and queries the same factory. */
export function makeWords(start = 1): { pick(): string; sentence(length: number): string; random(): number } {
  let seed = start;
  const random = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const pick = () => words[Math.floor(random() * words.length)] as string;
  return { pick, random, sentence: (length) => Array.from({ length }, pick).join(" ") };
}

/**
 * Fills an open factory with `lines` lines (in 20 domains, owned by 50
 * operators, line `line-<n>` owning `/src/line-<n>/`) and `documents` notes
 * appended in batches of 500 capture events, then waits until they are indexed.
 */
export async function fillLargeFactory(
  factory: Factory,
  { lines, documents }: { readonly lines: number; readonly documents: number },
): Promise<void> {
  const { random, sentence } = makeWords();
  await factory.floorplan.applyPlan({
    product: { id: "bench" },
    operators: Array.from({ length: 50 }, (_, index) => ({ id: `op-${index}` })),
    domains: Array.from({ length: 20 }, (_, index) => ({ id: `domain-${index}` })),
    lines: Array.from({ length: lines }, (_, index) => ({
      id: `line-${index}`,
      domain: `domain-${index % 20}`,
      owner: `op-${index % 50}`,
      description: sentence(8),
      paths: [`/src/line-${index}/`],
      dependsOn:
        index === 0
          ? []
          : [...new Set(Array.from({ length: 3 }, () => `line-${Math.floor(random() * index)}`))],
    })),
  });
  await appendNotes(factory, { documents, lines, sentence, subjectPrefix: "doc_bench" });
  await factory.knowledge.sync();
}

/**
 * Appends `documents` notes (a 5-word title, two 60-word paragraphs, the
 * n-th note on line `line-<n mod lines>`) as capture events in batches of 500,
 * straight to the log: faster than capturing them one by one, and folded by
 * the knowledge base like any capture.
 */
export async function appendNotes(
  factory: Factory,
  options: {
    readonly documents: number;
    readonly lines: number;
    readonly sentence: (length: number) => string;
    readonly subjectPrefix: string;
  },
): Promise<void> {
  const { documents, lines, sentence, subjectPrefix } = options;
  const at = new Date().toISOString();
  for (let start = 0; start < documents; start += 500) {
    await factory.log.append(
      Array.from({ length: Math.min(500, documents - start) }, (_, offset) => {
        const title = sentence(5);
        const body = `${sentence(60)}\n\n${sentence(60)}`;
        return {
          type: DocumentCaptured.type,
          subject: `${subjectPrefix}${start + offset}`,
          data: {
            kind: "note",
            source: { system: "bench" },
            links: [],
            supersedes: [],
            title,
            body,
            contentHash: hashJson({ title, body, decision: null }),
            tags: [],
            lines: [`line-${(start + offset) % lines}`],
            validFrom: at,
          },
        };
      }),
    );
  }
}
