import { nearNames } from "@software-factory/core";
import { describe, expect, it } from "vitest";

describe("nearNames", () => {
  const lines = ["checkout", "payments", "cart", "catalog"];

  it("finds names within a quarter of the length in edits, in the order given", () => {
    expect(nearNames("chekout", lines)).toEqual(["checkout"]);
    expect(nearNames("paymnts", lines)).toEqual(["payments"]);
    expect(nearNames("carts", lines)).toEqual(["cart"]);
    expect(nearNames("ghost", lines)).toEqual([]);
  });

  it("ignores case, stops at max, and takes substrings only when asked", () => {
    expect(nearNames("CHECKOUT", lines)).toEqual(["checkout"]);
    expect(nearNames("cat", ["cab", "car", "cap", "can"], { max: 2 })).toEqual(["cab", "car"]);
    expect(nearNames("create_work", ["create_work_item", "list_work"])).toEqual([]);
    expect(nearNames("create_work", ["create_work_item", "list_work"], { substrings: true })).toEqual([
      "create_work_item",
    ]);
    expect(nearNames("ca", ["cart"], { substrings: true })).toEqual([]);
  });
});
