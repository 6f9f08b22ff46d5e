/**
 * A bounded min-heap keeping the best `k` scored entries seen so far.
 *
 * @module
 */

/** Keeps the `k` highest-scoring numeric keys; ties keep the smaller key. */
export class TopK {
  readonly #k: number;
  readonly #keys: number[] = [];
  readonly #scores: number[] = [];

  /** A heap for the best `k` entries (`k` ≥ 1). */
  constructor(k: number) {
    this.#k = Math.max(1, k);
  }

  /** How many entries are held. */
  get size(): number {
    return this.#keys.length;
  }

  /** The score an entry must beat to get in: the worst held score once full, else -Infinity. */
  get threshold(): number {
    return this.#keys.length < this.#k ? Number.NEGATIVE_INFINITY : (this.#scores[0] as number);
  }

  /** Offers an entry; it is kept when the heap is not full or it beats the worst held entry. */
  offer(key: number, score: number): void {
    if (this.#keys.length < this.#k) {
      this.#keys.push(key);
      this.#scores.push(score);
      this.#up(this.#keys.length - 1);
      return;
    }
    if (!this.#worse(0, key, score)) return;
    this.#keys[0] = key;
    this.#scores[0] = score;
    this.#down(0);
  }

  /** The held entries, best first. */
  sorted(): { key: number; score: number }[] {
    return this.#keys
      .map((key, index) => ({ key, score: this.#scores[index] as number }))
      .sort((a, b) => b.score - a.score || a.key - b.key);
  }

  /** Whether the held entry at `index` is worse than (key, score). */
  #worse(index: number, key: number, score: number): boolean {
    const held = this.#scores[index] as number;
    return held < score || (held === score && (this.#keys[index] as number) > key);
  }

  #up(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.#worse(child, this.#keys[parent] as number, this.#scores[parent] as number)) return;
      this.#swap(child, parent);
      child = parent;
    }
  }

  #down(index: number): void {
    const size = this.#keys.length;
    let parent = index;
    for (;;) {
      let worst = parent;
      for (const child of [2 * parent + 1, 2 * parent + 2]) {
        if (child < size && this.#worse(child, this.#keys[worst] as number, this.#scores[worst] as number)) {
          worst = child;
        }
      }
      if (worst === parent) return;
      this.#swap(parent, worst);
      parent = worst;
    }
  }

  #swap(a: number, b: number): void {
    const key = this.#keys[a] as number;
    const score = this.#scores[a] as number;
    this.#keys[a] = this.#keys[b] as number;
    this.#scores[a] = this.#scores[b] as number;
    this.#keys[b] = key;
    this.#scores[b] = score;
  }
}
