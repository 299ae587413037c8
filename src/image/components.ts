/**
 * Connected-component labelling of a binary mask (face connectivity by default, as ITK's
 * ConnectedComponentImageFilter with fullyConnected = false; full 26/8-connectivity optionally).
 */

import type { Vec3 } from "./volume.js";

export interface Components {
  /** Component id (1..count) per voxel, 0 outside the mask. */
  labels: Int32Array;
  count: number;
  /** Voxel count per component, index 0 unused. */
  sizes: Int32Array;
}

export function connectedComponents(mask: ArrayLike<number>, size: Vec3, fullyConnected = false): Components {
  const [nx, ny, nz] = size;
  const n = nx * ny * nz;
  const labels = new Int32Array(n);
  const queue = new Int32Array(n);
  const offsets: Array<[number, number, number]> = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const m = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (m === 0 || (!fullyConnected && m > 1)) continue;
        offsets.push([dx, dy, dz]);
      }
  const sizes: number[] = [0];
  let count = 0;
  for (let start = 0; start < n; start++) {
    if (!mask[start] || labels[start] !== 0) continue;
    count++;
    labels[start] = count;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % nx;
      const y = Math.floor(p / nx) % ny;
      const z = Math.floor(p / (nx * ny));
      for (const [dx, dy, dz] of offsets) {
        const xx = x + dx;
        const yy = y + dy;
        const zz = z + dz;
        if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
        const q = xx + nx * (yy + ny * zz);
        if (mask[q] && labels[q] === 0) {
          labels[q] = count;
          queue[tail++] = q;
        }
      }
    }
    sizes.push(tail);
  }
  return { labels, count, sizes: Int32Array.from(sizes) };
}
