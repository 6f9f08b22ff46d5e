import type { PlanInput } from "@software-factory/floorplan";

/** A small shop: web depends on checkout, checkout on payments and cart, cart on catalog. */
export function shopPlan(): PlanInput {
  return {
    product: { id: "shop", name: "Shop" },
    operators: [
      { id: "alice", name: "Alice", roles: ["line"], capacity: { lines: 1 } },
      { id: "bob", name: "Bob", roles: ["line"] },
      { id: "carol", name: "Carol", roles: ["line", "factory"] },
      { id: "dan", name: "Dan", roles: ["field"] },
    ],
    domains: [
      { id: "commerce", name: "Commerce" },
      { id: "storefront", name: "Storefront" },
    ],
    lines: [
      { id: "catalog", domain: "commerce", owner: "carol", paths: ["/packages/catalog/"], wipLimit: 2 },
      {
        id: "cart",
        domain: "commerce",
        owner: "bob",
        paths: ["/packages/cart/"],
        dependsOn: [{ line: "catalog", kind: "data", criticality: "low" }],
      },
      { id: "payments", domain: "commerce", owner: "alice", paths: ["/packages/payments/"], wipLimit: 3 },
      {
        id: "checkout",
        domain: "commerce",
        owner: "alice",
        contributors: [{ operator: "bob", role: "backup" }],
        paths: ["/packages/checkout/"],
        dependsOn: [
          { line: "payments", kind: "api", criticality: "high", contract: "POST /payments" },
          { line: "cart", kind: "api", criticality: "medium" },
        ],
      },
      {
        id: "web",
        domain: "storefront",
        owner: "bob",
        paths: ["/apps/web/", "*.css"],
        dependsOn: [{ line: "checkout", kind: "ui", criticality: "high" }],
      },
    ],
  };
}
