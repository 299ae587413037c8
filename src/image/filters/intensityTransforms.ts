/**
 * PyRadiomics' voxel-wise image types (radiomics/imageoperations.py, v3): with M = max(|x|) over the whole
 * image (so that the filtered image keeps the original's range),
 *
 *   square:       f(x) = (x / sqrt(M))^2
 *   squareroot:   f(x) = sign(x) sqrt(|x| M)
 *   logarithm:    f(x) = sign(x) log(|x| + 1) * M / log(M + 1)
 *   exponential:  f(x) = exp(x log(M) / M)
 *
 * and `gradient`, the gradient magnitude as ITK's GradientMagnitudeImageFilter computes it: central
 * differences (x[i+1] - x[i-1]) / 2 per axis, divided by the spacing when `gradientUseSpacing` (default
 * true), with zero-flux Neumann boundaries (the edge voxel repeated), sqrt of the sum of squares.
 * Each returns the values over a bounding box (the ROI's), equal to the whole-image filter there.
 */
import { InputError } from "../../errors.js";
import { type BoundingBox, boxGeometry, cropToBox } from "../geometry.js";
import { Volume } from "../volume.js";
import type { DerivedImage } from "./pyradiomicsTypes.js";

function maxAbs(image: Volume): number {
  let m = 0;
  const d = image.data;
  for (let i = 0; i < d.length; i++) {
    const a = Math.abs(d[i]!);
    if (a > m) m = a;
  }
  return m;
}

/** f applied to the voxels of the box (cropToBox's copy, mapped in place to float64). */
function boxMap(image: Volume, box: BoundingBox, f: (x: number) => number): Volume<Float64Array> {
  const crop = cropToBox(image, box);
  return new Volume(Float64Array.from(crop.data, f), crop.geometry);
}

export type IntensityTransform = "square" | "squareroot" | "logarithm" | "exponential";

export function intensityTransform(kind: IntensityTransform, image: Volume, box: BoundingBox): DerivedImage {
  const M = maxAbs(image);
  if (!(M > 0))
    throw new InputError(`image type ${kind}: the image is zero everywhere, the transform is undefined`);
  let f: (x: number) => number;
  switch (kind) {
    case "square": {
      const c = 1 / Math.sqrt(M);
      f = (x) => (c * x) ** 2;
      break;
    }
    case "squareroot":
      f = (x) => (x > 0 ? Math.sqrt(x * M) : x < 0 ? -Math.sqrt(-x * M) : x);
      break;
    case "logarithm": {
      // numpy: log(|x| + 1) with the sign, then scaled by M / max(|f|) = M / log(M + 1)
      const c = M / Math.log(M + 1);
      f = (x) => (x > 0 ? Math.log(x + 1) * c : x < 0 ? -Math.log(-x + 1) * c : x);
      break;
    }
    case "exponential": {
      const c = Math.log(M) / M;
      f = (x) => Math.exp(c * x);
      break;
    }
  }
  return { name: kind, image: boxMap(image, box, f) };
}

export function gradientMagnitude(image: Volume, box: BoundingBox, useSpacing = true): DerivedImage {
  const [nx, ny, nz] = image.size;
  const d = image.data;
  const h = useSpacing ? image.spacing : [1, 1, 1];
  const strides = [1, nx, nx * ny];
  const n = [nx, ny, nz];
  const g = boxGeometry(image, box);
  const [lo, [ex, ey, ez]] = [g.lo, g.size];
  const out = new Float64Array(ex * ey * ez);
  let q = 0;
  const idx = [0, 0, 0];
  for (let k = lo[2]; k < lo[2] + ez; k++)
    for (let j = lo[1]; j < lo[1] + ey; j++)
      for (let i = lo[0]; i < lo[0] + ex; i++) {
        idx[0] = i;
        idx[1] = j;
        idx[2] = k;
        const o = i + nx * (j + ny * k);
        let s = 0;
        for (let a = 0; a < 3; a++) {
          if (n[a]! === 1) continue;
          const up = idx[a]! < n[a]! - 1 ? o + strides[a]! : o;
          const down = idx[a]! > 0 ? o - strides[a]! : o;
          const g = (d[up]! - d[down]!) / (2 * h[a]!);
          s += g * g;
        }
        out[q++] = Math.sqrt(s);
      }
  return { name: "gradient", image: new Volume(out, g) };
}
