/**
 * Go modules whose last segments collide get ids from their folders:
 * opentelemetry-go's `log` and `sdk/log` modules were `log` and
 * `go.opentelemetry.io-otel-sdk-log`, its `sdk/metric` next to `metric`
 * `go.opentelemetry.io-otel-sdk-metric`.
 */
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };

describe("importCodebase: ids of Go modules with the same last segment", () => {
  const temp = useRepoWithFactory("factory-go-ids-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "go.mod": "module go.acme.test/otel\n",
        "otel.go": "package otel\n",
        "log/go.mod": "module go.acme.test/otel/log\n",
        "log/log.go": "package log\n",
        "sdk/log/go.mod": "module go.acme.test/otel/sdk/log\n",
        "sdk/log/log.go": "package log\n",
        "metric/go.mod": "module go.acme.test/otel/metric\n",
        "metric/metric.go": "package metric\n",
        "sdk/metric/go.mod": "module go.acme.test/otel/sdk/metric/v2\n",
        "sdk/metric/metric.go": "package metric\n",
      },
    },
  ]);

  it("takes the module's folder when its last segment is taken, before its module path", async () => {
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => [line.root, line.id, line.title])).toEqual([
      [".", "otel", "go.acme.test/otel"],
      ["log", "log", "go.acme.test/otel/log"],
      ["metric", "metric", "go.acme.test/otel/metric"],
      ["sdk/log", "sdk-log", "go.acme.test/otel/sdk/log"],
      ["sdk/metric", "sdk-metric", "go.acme.test/otel/sdk/metric/v2"],
    ]);
  });
});
