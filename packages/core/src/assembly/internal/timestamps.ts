/**
 * Timestamps a projection shows in the order its events happened. Writers
 * whose clocks disagree stamp events out of order (Bob's clock a day behind
 * Alice's stamps his move of her item before its creation); a projection
 * shows such a step at the moment of the step it follows, as the measures
 * count it as taking no time.
 *
 * @module
 */

/** `at`, or `earliest` when `at` is before it (a step stamped by a clock running behind). */
export function notBefore(at: string, earliest: string): string {
  return Date.parse(at) < Date.parse(earliest) ? earliest : at;
}
