/**
 * Seeded fold assignment for cross-validation: stratified k-fold (each class spread evenly over the
 * folds, as sklearn's StratifiedKFold with shuffle) and repeated stratified k-fold.
 */

import { DataError, InputError } from "../../errors.js";
import { Random } from "../core/random.js";

/**
 * Stratified fold ids 0..k-1 for class labels `y` (0..K-1). Each class's samples are shuffled and dealt
 * round-robin over the folds, continuing where the previous class stopped, so fold sizes differ by at
 * most one and class proportions by at most one sample per class. Throws DataError when a class has
 * fewer samples than folds (stratification is then impossible).
 */
export function stratifiedFolds(
  y: ArrayLike<number>,
  k: number,
  seed: number | Random = 1,
  classNames?: string[],
): Int32Array {
  if (!Number.isInteger(k) || k < 2)
    throw new InputError(`the number of folds must be an integer >= 2, got ${k}`);
  const rng = seed instanceof Random ? seed : new Random(seed);
  const n = y.length;
  let K = 0;
  for (let i = 0; i < n; i++) K = Math.max(K, y[i] + 1);
  const members: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) members[y[i]].push(i);
  for (let c = 0; c < K; c++) {
    const m = members[c].length;
    if (m > 0 && m < k) {
      const name = classNames ? `"${classNames[c]}"` : String(c);
      throw new DataError(`class ${name} has ${m} sample${m === 1 ? "" : "s"}, fewer than the ${k} folds`);
    }
  }
  if (n < k) throw new DataError(`${n} samples are fewer than the ${k} folds`);
  const fold = new Int32Array(n);
  let next = 0;
  for (let c = 0; c < K; c++) {
    const idx = Int32Array.from(members[c]);
    rng.shuffle(idx);
    for (let t = 0; t < idx.length; t++) {
      fold[idx[t]] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

/** `repeats` independent stratified k-fold assignments from one seed. */
export function repeatedStratifiedFolds(
  y: ArrayLike<number>,
  k: number,
  repeats: number,
  seed: number | Random = 1,
  classNames?: string[],
): Int32Array[] {
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new InputError(`repeats must be an integer >= 1, got ${repeats}`);
  const rng = seed instanceof Random ? seed : new Random(seed);
  const out: Int32Array[] = [];
  for (let r = 0; r < repeats; r++) out.push(stratifiedFolds(y, k, rng.fork(), classNames));
  return out;
}

/** Row indices of the training and test parts of fold f. */
export function foldRows(fold: Int32Array, f: number): { train: Int32Array; test: Int32Array } {
  let nt = 0;
  for (let i = 0; i < fold.length; i++) if (fold[i] === f) nt++;
  const train = new Int32Array(fold.length - nt);
  const test = new Int32Array(nt);
  let a = 0;
  let b = 0;
  for (let i = 0; i < fold.length; i++) {
    if (fold[i] === f) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}
