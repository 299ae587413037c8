/**
 * RTSTRUCT -> label mask on the referenced image grid. Browser-safe.
 *
 * Rasterisation rule (stated): a voxel belongs to an ROI when its centre lies inside the ROI's closed
 * planar contours on that slice under the even-odd rule - all contours of the ROI on one slice are
 * combined, so a contour inside another is a hole and disjoint contours are islands. On each image row
 * (voxel centres at integer j), the crossings of the row with every polygon edge are computed with
 * half-open edges (an edge counts when one end is above the row and the other at or below), sorted, and
 * voxels with x0 <= i < x1 between consecutive crossing pairs are set. A contour belongs to the slice
 * nearest its (constant) k index; it must lie within 0.1 slice spacings of a slice plane, else it is
 * reported. POINT contours are ignored (counted in the notes). Several ROIs get labels 1, 2, ... in the
 * order asked; a voxel claimed by two ROIs keeps the first (and the overlap is reported).
 */
import { GeometryError, InputError } from "../../errors.js";
import { Volume } from "../../image/volume.js";
import { type Dataset, type DicomFileInput, items, num, parseDicomFile, str } from "./dataset.js";

export interface RtRoi {
  number: number;
  name: string;
  frameOfReferenceUid: string;
  contours: Array<{ type: string; points: Float64Array }>;
}

export interface RtStruct {
  name: string;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  referencedSeriesUids: string[];
  rois: RtRoi[];
}

export function isRtStruct(ds: Dataset): boolean {
  return str(ds.SOPClassUID) === "1.2.840.10008.5.1.4.1.1.481.3" || str(ds.Modality) === "RTSTRUCT";
}

export function parseRtStruct(f: DicomFileInput): RtStruct {
  const { ds } = parseDicomFile(f);
  if (!isRtStruct(ds)) throw new InputError(`not an RTSTRUCT (modality ${str(ds.Modality) || "?"})`, f.name);
  const refSeries: string[] = [];
  let forUid = "";
  for (const fr of items(ds.ReferencedFrameOfReferenceSequence)) {
    forUid ||= str(fr.FrameOfReferenceUID);
    for (const st of items(fr.RTReferencedStudySequence))
      for (const se of items(st.RTReferencedSeriesSequence)) refSeries.push(str(se.SeriesInstanceUID));
  }
  const contoursByRoi = new Map<number, RtRoi["contours"]>();
  for (const rc of items(ds.ROIContourSequence)) {
    const list = items(rc.ContourSequence).map((c) => {
      const data = c.ContourData;
      const pts = Float64Array.from(
        Array.isArray(data)
          ? (data as unknown[]).map(Number)
          : String(data ?? "")
              .split("\\")
              .map(Number),
      );
      return { type: str(c.ContourGeometricType).toUpperCase(), points: pts };
    });
    contoursByRoi.set(num(rc.ReferencedROINumber), list);
  }
  const rois = items(ds.StructureSetROISequence).map((r) => {
    const number = num(r.ROINumber);
    return {
      number,
      name: str(r.ROIName),
      frameOfReferenceUid: str(r.ReferencedFrameOfReferenceUID) || forUid,
      contours: contoursByRoi.get(number) ?? [],
    };
  });
  return {
    name: f.name,
    studyInstanceUid: str(ds.StudyInstanceUID),
    frameOfReferenceUid: forUid,
    referencedSeriesUids: refSeries,
    rois,
  };
}

/** `--roi` selection: names or numbers (comma-separated) or "all". */
export function selectRois<R extends { number: number; name: string }>(
  rt: { name: string; rois: R[] },
  roi: string | undefined,
): R[] {
  const known = rt.rois.map((r) => `${r.number} "${r.name}"`).join(", ");
  if (roi === undefined || roi === "") {
    if (rt.rois.length === 1) return [rt.rois[0]!];
    throw new InputError(`choose an ROI with --roi NAME|NUMBER|all (ROIs: ${known})`, rt.name);
  }
  if (roi.toLowerCase() === "all") return [...rt.rois];
  return roi.split(",").map((want) => {
    const w = want.trim();
    const hit =
      rt.rois.find((r) => r.name === w) ??
      rt.rois.find((r) => r.name.toLowerCase() === w.toLowerCase()) ??
      (/^\d+$/.test(w) ? rt.rois.find((r) => r.number === Number(w)) : undefined);
    if (!hit) throw new InputError(`unknown ROI "${w}" (ROIs: ${known})`, rt.name);
    return hit;
  });
}

export interface ReferenceImage {
  volume: Volume;
  frameOfReferenceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  source?: string;
}

export interface MaskResult {
  mask: Volume;
  labels: Array<{ label: number; name: string; number: number; voxels: number }>;
  notes: string[];
}

/** Checks that a segmentation object belongs to the reference image (study, frame of reference, series). */
export function checkReference(
  name: string,
  obj: { studyInstanceUid: string; frameOfReferenceUid: string; referencedSeriesUids: string[] },
  ref: ReferenceImage,
  roiFor?: string,
): void {
  if (obj.studyInstanceUid && ref.studyInstanceUid && obj.studyInstanceUid !== ref.studyInstanceUid)
    throw new GeometryError(
      `belongs to another study (StudyInstanceUID ${obj.studyInstanceUid}; the image's is ${ref.studyInstanceUid})`,
      name,
    );
  const f = roiFor ?? obj.frameOfReferenceUid;
  if (f && ref.frameOfReferenceUid && f !== ref.frameOfReferenceUid)
    throw new GeometryError(
      `FrameOfReferenceUID mismatch: ${f} here, ${ref.frameOfReferenceUid} in the image series`,
      name,
    );
  if (
    obj.referencedSeriesUids.length > 0 &&
    ref.seriesInstanceUid &&
    !obj.referencedSeriesUids.includes(ref.seriesInstanceUid)
  )
    throw new GeometryError(
      `references series ${obj.referencedSeriesUids.join(", ")}, but the image given is series ${ref.seriesInstanceUid}: give the referenced series`,
      name,
    );
}

/** Rasterises the chosen ROIs onto the reference grid (see the rule at the top of this file). */
export function rasteriseRtStruct(rt: RtStruct, ref: ReferenceImage, roi?: string): MaskResult {
  const chosen = selectRois(rt, roi);
  for (const r of chosen) checkReference(rt.name, rt, ref, r.frameOfReferenceUid);
  const v = ref.volume;
  const [nx, ny, nz] = v.size;
  const d = v.direction;
  const [sx, sy, sz] = v.spacing;
  const [ox, oy, oz] = v.origin;
  const plane = nx * ny;
  const data = chosen.length < 256 ? new Uint8Array(plane * nz) : new Uint16Array(plane * nz);
  const notes: string[] = [];
  const labels: MaskResult["labels"] = [];
  let overlap = 0;
  let points = 0;
  const work = new Uint8Array(plane);
  const xs: number[] = [];
  chosen.forEach((r, idx) => {
    const label = idx + 1;
    // contours per slice, in continuous (i, j) coordinates
    const bySlice = new Map<number, Float64Array[]>();
    for (const c of r.contours) {
      if (c.type === "POINT") {
        points++;
        continue;
      }
      const p = c.points;
      const n = Math.floor(p.length / 3);
      if (n < 3 || p.length % 3 !== 0) {
        if (n >= 1) notes.push(`ROI "${r.name}": contour with ${n} point(s) skipped`);
        continue;
      }
      const ij = new Float64Array(2 * n);
      let kSum = 0;
      let kMin = Number.POSITIVE_INFINITY;
      let kMax = Number.NEGATIVE_INFINITY;
      for (let q = 0; q < n; q++) {
        const dx = p[3 * q]! - ox;
        const dy = p[3 * q + 1]! - oy;
        const dz = p[3 * q + 2]! - oz;
        // direction columns are the unit axes: index = D^T (x - origin) / spacing
        ij[2 * q] = (d[0] * dx + d[3] * dy + d[6] * dz) / sx;
        ij[2 * q + 1] = (d[1] * dx + d[4] * dy + d[7] * dz) / sy;
        const k = (d[2] * dx + d[5] * dy + d[8] * dz) / sz;
        kSum += k;
        if (k < kMin) kMin = k;
        if (k > kMax) kMax = k;
      }
      const kc = kSum / n;
      const k = Math.round(kc);
      if (kMax - kMin > 0.1 || Math.abs(kc - k) > 0.1)
        throw new GeometryError(
          `ROI "${r.name}": a contour lies off the image's slice planes (slice index ${kMin.toFixed(3)}..${kMax.toFixed(3)}; ${(Math.abs(kc - k) * sz).toFixed(3)} mm from the nearest plane)`,
          rt.name,
        );
      if (k < 0 || k >= nz)
        throw new GeometryError(
          `ROI "${r.name}": a contour at slice index ${k} lies outside the image (0..${nz - 1}): wrong reference series?`,
          rt.name,
        );
      const list = bySlice.get(k);
      if (list) list.push(ij);
      else bySlice.set(k, [ij]);
    }
    let voxels = 0;
    for (const [k, polys] of bySlice) {
      work.fill(0);
      for (let j = 0; j < ny; j++) {
        xs.length = 0;
        for (const poly of polys) {
          const n = poly.length / 2;
          for (let a = 0, b = n - 1; a < n; b = a++) {
            const ya = poly[2 * a + 1]!;
            const yb = poly[2 * b + 1]!;
            if (ya > j !== yb > j) {
              const xa = poly[2 * a]!;
              const xb = poly[2 * b]!;
              xs.push(xa + ((j - ya) * (xb - xa)) / (yb - ya));
            }
          }
        }
        if (xs.length < 2) continue;
        xs.sort((p, q) => p - q);
        const rowOff = j * nx;
        for (let c = 0; c + 1 < xs.length; c += 2) {
          const i0 = Math.max(0, Math.ceil(xs[c]!));
          const i1 = Math.min(nx, Math.ceil(xs[c + 1]!)); // exclusive
          for (let i = i0; i < i1; i++) work[rowOff + i] = 1;
        }
      }
      const off = k * plane;
      for (let p = 0; p < plane; p++) {
        if (work[p] === 0) continue;
        if (data[off + p] !== 0) {
          overlap++;
          continue;
        }
        data[off + p] = label;
        voxels++;
      }
    }
    labels.push({ label, name: r.name, number: r.number, voxels });
  });
  if (points) notes.push(`${points} POINT contour(s) ignored`);
  if (overlap) notes.push(`${overlap} voxel(s) claimed by more than one ROI keep the first ROI's label`);
  notes.push(
    `RTSTRUCT rasterised (voxel centre inside the contours, even-odd rule): ${labels.map((l) => `label ${l.label} = "${l.name}" (${l.voxels} voxels)`).join(", ")}`,
  );
  return { mask: new Volume(data, v.geometry), labels, notes };
}
