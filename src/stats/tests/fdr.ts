/**
 * Multiple-testing adjustment of p-values (browser-safe). Same definitions as R's `p.adjust` and
 * statsmodels' `multipletests`:
 * - "bonferroni": min(1, m p)
 * - "holm": step-down, p_(i) -> max_{j <= i} min(1, (m - j + 1) p_(j))
 * - "BH" (Benjamini-Hochberg 1995, FDR): step-up, p_(i) -> min_{j >= i} min(1, m / j p_(j))
 * - "BY" (Benjamini-Yekutieli 2001, FDR under dependence): BH with m replaced by m sum_{k=1..m} 1/k
 *
 * Missing p-values: NaN inputs come back as NaN and are not counted in m (R's `p.adjust(..., n = sum(!is.na(p)))`
 * default behaviour for NA). A p-value outside [0, 1] is an InputError.
 */
import { InputError } from "../../errors.js";

export type PAdjustMethod = "BH" | "BY" | "holm" | "bonferroni";

/** Method names accepted by `parsePAdjustMethod` (CLI spellings and the R/statsmodels aliases). */
const METHOD_ALIASES: Record<string, PAdjustMethod> = {
  bh: "BH",
  fdr: "BH",
  fdr_bh: "BH",
  by: "BY",
  fdr_by: "BY",
  holm: "holm",
  bonferroni: "bonferroni",
  bonf: "bonferroni",
};

/** Parse a user-supplied method name (case-insensitive: bh, fdr, fdr_bh, by, holm, bonferroni). */
export function parsePAdjustMethod(name: string): PAdjustMethod {
  const m = METHOD_ALIASES[name.trim().toLowerCase()];
  if (!m) throw new InputError(`unknown p-value adjustment "${name}" (use bh, by, holm or bonferroni)`);
  return m;
}

/** Adjust p-values for multiple testing; returns a new array in the input order. */
export function adjustPValues(p: ArrayLike<number>, method: PAdjustMethod): Float64Array {
  const n = p.length;
  const out = new Float64Array(n).fill(Number.NaN);
  // indices of the non-missing p-values, sorted ascending by p (stable)
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = p[i];
    if (Number.isNaN(v)) continue;
    if (!(v >= 0 && v <= 1)) throw new InputError(`p-value ${v} at position ${i} is outside [0, 1]`);
    m++;
  }
  if (m === 0) return out;
  const order = new Int32Array(m);
  for (let i = 0, k = 0; i < n; i++) if (!Number.isNaN(p[i])) order[k++] = i;
  order.sort((a, b) => p[a] - p[b] || a - b);

  switch (method) {
    case "bonferroni":
      for (let k = 0; k < m; k++) {
        const i = order[k];
        out[i] = Math.min(1, m * p[i]);
      }
      break;
    case "holm": {
      let running = 0;
      for (let k = 0; k < m; k++) {
        const i = order[k];
        running = Math.max(running, (m - k) * p[i]);
        out[i] = Math.min(1, running);
      }
      break;
    }
    case "BH":
    case "BY": {
      let q = 1;
      if (method === "BY") {
        q = 0;
        for (let k = 1; k <= m; k++) q += 1 / k;
      }
      let running = Number.POSITIVE_INFINITY;
      for (let k = m - 1; k >= 0; k--) {
        const i = order[k];
        running = Math.min(running, ((q * m) / (k + 1)) * p[i]);
        out[i] = Math.min(1, running);
      }
      break;
    }
    default:
      throw new InputError(`unknown p-value adjustment "${method as string}"`);
  }
  return out;
}
