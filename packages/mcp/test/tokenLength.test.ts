import { httpSettingsOf } from "@software-factory/mcp";
import { describe, expect, it } from "vitest";

describe("httpSettingsOf refuses a short token", () => {
  it("says '1 character' for a one-character token and '12 characters' for a twelve-character one", () => {
    const one = httpSettingsOf({ port: "3333", tokenFlag: "x" });
    expect(one).toBeInstanceOf(Error);
    expect((one as Error).message).toContain("--token is 1 character long: the token must be at least 16");
    const twelve = httpSettingsOf({ port: "3333", tokenEnv: "short-secret" });
    expect((twelve as Error).message).toContain("FACTORY_MCP_TOKEN is 12 characters long");
  });
});
