import { describe, expect, it } from "vitest";
import { tokenize } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-scripts-");

/** Sentences of more than 40 characters without a space, as Chinese and Japanese are written. */
const CHINESE =
  "支付失败时我们会在五分钟后自动重新尝试扣款并通知客户，如果三次重试都失败则转交人工处理并记录原因。";
const JAPANESE =
  "決済が失敗した場合は五分後に自動で再試行し、三回失敗したら担当者に引き継いで顧客に連絡します。";
const THAI = "เมื่อการชำระเงินล้มเหลวระบบจะลองใหม่อีกครั้งโดยอัตโนมัติ";

describe("text in scripts written without spaces, and in other Unicode forms", () => {
  it("finds a word inside a Chinese, Japanese or Thai sentence and marks only that word", async () => {
    const chinese = await temp.kb.capture({
      kind: "runbook",
      title: "支付重试",
      body: CHINESE,
      source: { system: "test" },
    });
    const japanese = await temp.kb.capture({
      kind: "runbook",
      title: "決済",
      body: JAPANESE,
      source: { system: "test" },
    });
    const thai = await temp.kb.capture({
      kind: "runbook",
      title: "ชำระเงิน",
      body: THAI,
      source: { system: "test" },
    });

    const chineseHits = (await temp.kb.search("扣款", { mode: "lexical" })).hits;
    expect(chineseHits.map((hit) => hit.document.id)).toEqual([chinese.id]);
    expect(chineseHits[0]?.snippet).toContain("自动重新尝试**扣款**并通知客户");
    const japaneseHits = (await temp.kb.search("担当者", { mode: "lexical" })).hits;
    expect(japaneseHits.map((hit) => hit.document.id)).toEqual([japanese.id]);
    expect(japaneseHits[0]?.snippet).toContain("三回失敗したら**担当者**に引き継いで");
    expect((await temp.kb.search("อัตโนมัติ", { mode: "lexical" })).hits.map((hit) => hit.document.id)).toEqual([
      thai.id,
    ]);
  });

  it("matches a word whatever its Unicode form: composed or decomposed accents, full-width letters", async () => {
    const decomposed = await temp.kb.capture({
      kind: "note",
      title: "Menu",
      body: "The cafe\u0301 on the ground floor takes card payments.",
      source: { system: "test" },
    });
    const fullWidth = await temp.kb.capture({
      kind: "note",
      title: "Gateway",
      body: "ＡＰＩゲートウェイ handles the ｗｅｂｈｏｏｋ retries.",
      source: { system: "test" },
    });

    expect((await temp.kb.search("café", { mode: "lexical" })).hits.map((hit) => hit.document.id)).toEqual([
      decomposed.id,
    ]);
    expect(
      (await temp.kb.search("webhook API", { mode: "lexical" })).hits.map((hit) => hit.document.id),
    ).toEqual([fullWidth.id]);
    expect(
      (await temp.kb.search("ゲートウェイ", { mode: "lexical" })).hits.map((hit) => hit.document.id),
    ).toEqual([fullWidth.id]);
  });

  it("keeps the vowel signs of a word in it: a Hindi word is one term, not its consonants", () => {
    expect(tokenize("हिन्दी भाषा")).toEqual(["हिन्दी", "भाषा"]);
    expect(tokenize("支払いの")).toEqual(["支払", "払い", "いの"]);
    expect(tokenize("API设计")).toEqual(["api", "设计"]);
  });
});
