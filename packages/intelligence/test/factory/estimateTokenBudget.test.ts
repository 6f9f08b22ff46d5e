import {
  contextPackMarkdown,
  estimateTokenCounter,
  type Factory,
  loadTokenCounter,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

/** Bodies of four kinds, each about payment retries so that one question finds them all. */
const BODIES = {
  prose: (index: number) =>
    `Payment retries, case ${index}: when the card issuer declines a charge with a soft decline (insufficient funds, a timeout at the acquirer), checkout waits and tries again, at most three times over two days. Hard declines (stolen card, closed account) are never retried; the customer is asked for another payment method instead. Each attempt is recorded on the order, so support can tell the customer why their subscription lapsed and when the next attempt will run.`,
  code: (index: number) =>
    `Payment retries in code (module ${index}):\n\nexport async function retryPayment(orderId: string, { attempts = 3, backoffMs = 86_400_000 }: RetryOptions = {}): Promise<PaymentResult> {\n  for (let attempt = 1; attempt <= attempts; attempt++) {\n    const result = await gateway.charge(orderId, { idempotencyKey: \`\${orderId}:\${attempt}\` });\n    if (result.status === "succeeded" || isHardDecline(result.declineCode)) return result;\n    await sleep(backoffMs * 2 ** (attempt - 1));\n  }\n  throw new PaymentRetriesExhaustedError(orderId, attempts);\n}`,
  table: (index: number) =>
    `Payment retries by decline code, week ${index}:\n\n| decline code | retried | attempts | recovered | revenue (EUR) |\n| --- | --- | --- | --- | --- |\n| insufficient_funds | yes | 3 | 41.2 % | 12,480.50 |\n| issuer_unavailable | yes | 2 | 77.9 % | 3,112.00 |\n| do_not_honor | yes | 3 | 18.4 % | 1,905.75 |\n| stolen_card | no | 0 | 0.0 % | 0.00 |\n| expired_card | no | 0 | 0.0 % | 0.00 |`,
  cjk: (index: number) =>
    `Payment retries（支付重试）第 ${index} 条：当发卡行以软拒绝（余额不足、收单机构超时）拒绝扣款时，结账服务会等待后重试，两天内最多三次。硬拒绝（卡片被盗、账户已关闭）不会重试，而是请客户更换支付方式。決済の再試行：残高不足の場合は二日間で最大三回まで再試行します。每次尝试都会记录在订单上，客服可以告诉客户订阅为何失效以及下次尝试的时间。`,
} as const;

async function variedFactory(): Promise<Factory> {
  const factory = await open({
    dir: folder("factory-estimate-budget-"),
    durability: "normal",
    tokenCounter: estimateTokenCounter,
  });
  for (let index = 0; index < 6; index++) {
    for (const [kind, body] of Object.entries(BODIES)) {
      await factory.knowledge.capture({
        kind: "note",
        title: `Payment retries (${kind} ${index})`,
        body: body(index),
        source: { system: "test", uri: `https://wiki.example.com/payments/retries/${kind}-${index}` },
      });
    }
  }
  return factory;
}

describe("estimateTokenCounter", () => {
  it("keeps a pack of prose, code, a table and CJK within its budget in o200k_base and cl100k_base tokens", async () => {
    const factory = await variedFactory();
    const tokenizers = [await loadTokenCounter("o200k_base"), await loadTokenCounter("cl100k_base")];
    for (const budgetTokens of [500, 1000, 2000, 4000, 8000]) {
      const pack = await factory.context({ question: "payment retries", budgetTokens });
      expect(pack.tokenizer).toBe("estimate");
      expect(pack.tokens).toBeLessThanOrEqual(budgetTokens);
      const markdown = contextPackMarkdown(pack);
      for (const tokenizer of tokenizers) {
        expect(tokenizer.count(markdown), `${tokenizer.name} at ${budgetTokens}`).toBeLessThanOrEqual(
          budgetTokens,
        );
      }
    }
    // The largest pack holds every kind of body in full: the bound is measured on all of them.
    const largest = await factory.context({ question: "payment retries", budgetTokens: 8000 });
    const titles = largest.knowledge.map((hit) => hit.document.title).join(" ");
    for (const kind of Object.keys(BODIES)) expect(titles).toContain(kind);
  });
});
