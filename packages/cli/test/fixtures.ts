/**
 * Small files the CLI tests work on.
 */

/** A valid floor plan: three lines, two operators, checkout depending on payments. */
export const SHOP_YAML = `version: 1
product: { id: shop }
operators:
  - { id: ana, roles: [line] }
  - { id: bo, roles: [line, field] }
lines:
  - id: checkout
    description: Cart, payment and order confirmation
    owner: ana
    paths: [/src/checkout/]
    dependsOn:
      - { line: payments, kind: api, criticality: high }
  - id: payments
    description: Card payments and refunds
    owner: bo
    paths: [/src/payments/]
  - id: search
    description: Product search and autocomplete
    owner: bo
    paths: [/src/search/]
`;

/** A floor plan that loads (cycles are warnings) with a dependency cycle, which the standards report as a warning. */
export const CYCLIC_YAML = `version: 1
settings: { cycles: warning }
operators:
  - { id: ana }
lines:
  - { id: a, description: first, owner: ana, paths: [/a/], dependsOn: [b] }
  - { id: b, description: second, owner: ana, paths: [/b/], dependsOn: [a] }
`;

/** A floor plan with an unknown owner on line 6. */
export const BROKEN_YAML = `version: 1
operators:
  - { id: ana }
lines:
  - id: checkout
    owner: nobody
`;
