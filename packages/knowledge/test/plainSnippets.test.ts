import { describe, expect, it } from "vitest";
import { snippet } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-snippets-");

const PRICING = `# **Pricing** strategy

We charge *per shop*, never per seat: see [the pricing page](https://acme.example/pricing)
and ![the price chart](chart.png). <b>Annual</b> plans get __two months__ free.<!-- draft -->

| Plan    | Price per month |
| ------- | --------------: |
| Starter | 29 EUR          |

- [x] \`price_cents\` is stored per ~~seat~~ shop
> The board approved the \\*new\\* tiers in March.

\`\`\`sql
select price_cents from plans;
\`\`\`
`;

describe("search snippets", () => {
  it("read as plain text: markdown syntax left out, the words in their order, matches in **", async () => {
    await temp.kb.capture({ kind: "strategy", title: "Pricing", body: PRICING, source: { system: "test" } });

    const { hits } = await temp.kb.search("pricing plans per shop");

    expect(hits[0]?.snippet).toBe(
      "**Pricing** strategy We charge **per** **shop**, never **per** seat: see the **pricing** page and the **price** chart. Annual **plans** get two months free. **Plan** · **Price** **per** month Starter · 29 EUR **price_cents** is stored **per** seat **shop** The board approved the *new* tiers …",
    );
  });

  it("keep every word of the text and nothing of its syntax", () => {
    const text = snippet(PRICING, "pricing", 10_000).replace(/\*\*/g, "");

    expect(text).not.toMatch(/^#|\]\(|!\[|<\/?b>|<!--|```|\| -|\[x\]|~~|^>/m);
    const words = (value: string) => value.match(/[\p{L}\p{N}]+/gu) ?? [];
    expect(words(text)).toEqual(
      words(
        "Pricing strategy We charge per shop never per seat see the pricing page and the price chart Annual plans get two months free Plan Price per month Starter 29 EUR price_cents is stored per seat shop The board approved the new tiers in March select price_cents from plans",
      ),
    );
  });

  it("are made by snippet(), which reads its text as markdown", () => {
    expect(snippet("## Setup ##\n\n1. Run `npm ci` then **npm test**.", "test")).toBe(
      "Setup Run npm ci then npm **test**.",
    );
  });
});
