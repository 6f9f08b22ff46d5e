import { Router } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";

const lines = [
  { id: "billing", description: "Invoices, charges and refunds" },
  { id: "identity", description: "Login, SAML and sessions" },
  { id: "design-system", description: "Shared UI components" },
  { id: "web", description: "The customer web app" },
];

describe("Router corrections", () => {
  it("count a re-routed example once, for its new line, in the recency prior and its reason", () => {
    const router = new Router();
    router.setLines(lines);
    router.learn({ id: "s1", text: "SAML login loops for tenant acme", line: "identity" });
    router.learn({ id: "s2", text: "refund of a charge failed with 500", line: "billing" });
    router.learn({ id: "s3", text: "button colours wrong in dark mode", line: "design-system" });

    router.learn({ id: "s3", text: "button colours wrong in dark mode", line: "web" });

    const candidates = router.route("button colours wrong in light mode", { limit: 4 });
    const reasons = Object.fromEntries(candidates.map((candidate) => [candidate.line, candidate.reasons]));
    expect(reasons.web).toContain("1 of the latest 3 routed signals went here");
    expect(candidates.map((candidate) => candidate.line)).not.toContain("design-system");
    expect(candidates.flatMap((candidate) => candidate.reasons).join(" ")).not.toContain("latest 4");
  });
});
