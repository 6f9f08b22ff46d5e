/**
 * Indexing through the knowledge base itself (`openKnowledgeBase` on a fresh
 * event log, without caches): the 100,000 one-chunk documents, then longer
 * documents as a docs folder holds them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashJson, openEventLog } from "@software-factory/core";
import {
  chunkMarkdown,
  DocumentCaptured,
  knowledgeEvents,
  openKnowledgeBase,
} from "@software-factory/knowledge";
import type { IrSet } from "../lib/ir.js";
import { rate } from "../lib/report.js";
import { seconds, timed } from "./measure.js";

/** Documents of the longer kind. */
const LONG_DOCUMENTS = 3000;

/**
 * The report's two lines: the chunks of `scaleSet` as one document each, and
 * 3,000 longer documents made of the passages of `base`.
 */
export async function throughKnowledgeBase(
  scaleSet: IrSet,
  base: IrSet,
): Promise<{ kbLine: string; longLine: string }> {
  // The same chunks through the knowledge base itself: one document each, appended
  // to a fresh event log, then a knowledge base opened on it without caches, which
  // folds the log, chunks the markdown, indexes BM25, embeds and builds the graphs.
  const kbFolder = mkdtempSync(join(tmpdir(), "sf-knowledge-bench-"));
  const kbLog = await openEventLog({ path: join(kbFolder, "factory.db") });
  kbLog.registry.register(...knowledgeEvents);
  const capturedAt = new Date().toISOString();
  for (let start = 0; start < scaleSet.docs.length; start += 1000) {
    await kbLog.append(
      scaleSet.docs.slice(start, start + 1000).map((doc, offset) => {
        const title = doc.title.trim() || doc.text.slice(0, 60);
        return {
          type: DocumentCaptured.type,
          subject: `doc_${start + offset}`,
          data: {
            kind: "research",
            source: { system: "bench", uri: doc.id },
            links: [],
            supersedes: [],
            title,
            body: doc.text,
            contentHash: hashJson({ title, body: doc.text, decision: null }),
            tags: [],
            lines: [],
            validFrom: capturedAt,
          },
        };
      }),
    );
  }
  const kbOpen = await timed(() => openKnowledgeBase({ log: kbLog, dir: join(kbFolder, "knowledge") }));
  await kbOpen.result.close();
  await kbLog.close();
  rmSync(kbFolder, { recursive: true, force: true });
  const kbLine = `Through the knowledge base: ${scaleSet.docs.length.toLocaleString("en-US")} documents (one chunk each) appended to a fresh event log, then \`openKnowledgeBase\` without caches (fold the log, chunk the markdown, BM25, embed, HNSW, save the caches): ${seconds(kbOpen.wallMs)} s wall, ${seconds(kbOpen.cpuMs)} s CPU.`;
  console.log(kbLine);

  // Longer documents, as a docs folder holds them: headings over paragraphs written
  // on one line, each paragraph 2 to 5 of the same passages (often more than one
  // chunk), chunked and then indexed through the knowledge base from an empty cache.
  let longSeed = 7;
  const longRandom = () => {
    longSeed = (longSeed * 1_103_515_245 + 12_345) % 2 ** 31;
    return longSeed / 2 ** 31;
  };
  let passage = 0;
  const nextPassage = () => (base.docs[passage++ % base.docs.length] as IrSet["docs"][number]).text.trim();
  const longDocs = Array.from({ length: LONG_DOCUMENTS }, (_, index) => {
    const parts = [`# Notes ${index}`];
    const sections = 1 + Math.floor(longRandom() * 3);
    for (let section = 0; section < sections; section += 1) {
      parts.push(`${longRandom() < 0.5 ? "##" : "###"} Part ${section + 1}`);
      parts.push(Array.from({ length: 2 + Math.floor(longRandom() * 4) }, nextPassage).join(" "));
    }
    return { title: `Notes ${index}`, body: parts.join("\n\n") };
  });
  const longChunking = await timed(() => longDocs.map((doc) => chunkMarkdown(doc.body)));
  const longChunks = longChunking.result.reduce((sum, chunks) => sum + chunks.length, 0);
  const longFolder = mkdtempSync(join(tmpdir(), "sf-knowledge-bench-long-"));
  const longLog = await openEventLog({ path: join(longFolder, "factory.db") });
  longLog.registry.register(...knowledgeEvents);
  await longLog.append(
    longDocs.map((doc, index) => ({
      type: DocumentCaptured.type,
      subject: `doc_${index}`,
      data: {
        kind: "research",
        source: { system: "bench", uri: `long/${index}.md` },
        links: [],
        supersedes: [],
        title: doc.title,
        body: doc.body,
        contentHash: hashJson({ title: doc.title, body: doc.body, decision: null }),
        tags: [],
        lines: [],
        validFrom: capturedAt,
      },
    })),
  );
  const longOpen = await timed(() => openKnowledgeBase({ log: longLog, dir: join(longFolder, "knowledge") }));
  await longOpen.result.close();
  await longLog.close();
  rmSync(longFolder, { recursive: true, force: true });
  const longChars = longDocs.reduce((sum, doc) => sum + doc.body.length, 0) / LONG_DOCUMENTS;
  const longLine = `Longer documents through the knowledge base: ${LONG_DOCUMENTS.toLocaleString("en-US")} documents of ${Math.round(longChars).toLocaleString("en-US")} characters on average (a heading, then 1 to 3 sections each of a heading and one paragraph on one line made of 2 to 5 of the ${base.name} passages), ${longChunks.toLocaleString("en-US")} chunks. \`chunkMarkdown\` alone: ${seconds(longChunking.cpuMs)} s CPU. Appended to a fresh event log, then \`openKnowledgeBase\` without caches: ${seconds(longOpen.wallMs)} s wall, ${seconds(longOpen.cpuMs)} s CPU, ${rate(LONG_DOCUMENTS, longOpen.wallMs)} documents a second (the one-chunk documents above: ${rate(scaleSet.docs.length, kbOpen.wallMs)} a second).`;
  console.log(longLine);
  return { kbLine, longLine };
}
