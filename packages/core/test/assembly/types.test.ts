import type {
  AssemblyLine,
  EventData,
  Gate,
  GateResult,
  LineDirectory,
  openAssemblyLine,
  WorkCreated,
  WorkItem,
  WorkItemState,
} from "@software-factory/core";
import { describe, expectTypeOf, it } from "vitest";

describe("public types", () => {
  it("opens an AssemblyLine whose moves resolve to work items", () => {
    expectTypeOf<ReturnType<typeof openAssemblyLine>>().resolves.toEqualTypeOf<AssemblyLine>();
    expectTypeOf<AssemblyLine["advance"]>().returns.resolves.toEqualTypeOf<WorkItem>();
    expectTypeOf<WorkItem["state"]>().toEqualTypeOf<WorkItemState>();
  });

  it("accepts any object with an owner and a WIP limit per line as a line directory", () => {
    class FloorPlanLike {
      ownerOf(lineId: string): string | undefined {
        return lineId;
      }
      wipLimitOf(_lineId: string): number | undefined {
        return 3;
      }
      lineForPath(_path: string): string | undefined {
        return undefined;
      }
    }
    expectTypeOf<FloorPlanLike>().toExtend<LineDirectory>();
  });

  it("types event payloads and gate results", () => {
    expectTypeOf<EventData<typeof WorkCreated>["stages"]>().toEqualTypeOf<string[]>();
    expectTypeOf<{ pass: true }>().toExtend<GateResult>();
    expectTypeOf<{ pass: false; findings: { message: string }[] }>().toExtend<GateResult>();
    expectTypeOf<Gate["check"]>().returns.toEqualTypeOf<Promise<GateResult> | GateResult>();
  });
});
