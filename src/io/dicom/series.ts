/**
 * DICOM series -> Volume(s). Browser-safe: the caller supplies the file bytes.
 *
 * Frames come from single-frame objects (one slice per file) and from multi-frame (enhanced) objects
 * (per-frame and shared functional groups: plane position / orientation, pixel measures, pixel value
 * transformation, frame content, MR diffusion). Frames are grouped by SeriesInstanceUID; inside a
 * series by temporal position (TemporalPositionIdentifier / TemporalPositionIndex, else the diffusion
 * b-value, else - only when slice positions repeat - the acquisition time), giving one volume per
 * position in time order (4D: DCE phases, DWI b-values).
 *
 * Geometry as ITK/GDCM build it: voxel axis i runs along the row direction (ImageOrientationPatient
 * [0..2]), j along the column direction ([3..5]), k along their cross product (the slice normal);
 * slices are sorted by ImagePositionPatient projected on the normal; the origin is the position of the
 * first slice; in-plane spacing is PixelSpacing (column spacing, row spacing) and the slice spacing is
 * the distance between consecutive slices along the normal, which must be uniform (a missing or a
 * duplicate slice is an error, as are a gantry tilt - slice origins that move within the plane - and
 * mixed orientations). DICOM patient coordinates are LPS, like ours.
 *
 * Voxels: stored values (the low BitsStored bits, sign-extended when PixelRepresentation is 1) times
 * RescaleSlope plus RescaleIntercept (HU for CT); MONOCHROME1 is inverted (max + min - value of the
 * stored range) so that higher values are brighter, as MONOCHROME2. When slope and intercept are
 * integers the result is int16 if every value fits, else int32; otherwise float32. PET in BQML can be
 * converted to SUV (suv.ts).
 */
import { FormatError, GeometryError, InputError, UnsupportedError } from "../../errors.js";
import { type Mat3, type Vec3, Volume, type VoxelArray, validateGeometry } from "../../image/volume.js";
import { HOST_LITTLE_ENDIAN, swapBytes } from "../common.js";
import {
  type Dataset,
  type DicomFileInput,
  type ParsedDicom,
  isDicom,
  item,
  items,
  nonImageKind,
  num,
  nums,
  parseDicomFile,
  str,
} from "./dataset.js";
import { type FrameInfo, TS_NAMES, decodeFrames } from "./pixels.js";
import { type SuvMode, suvFactor } from "./suv.js";

export { type DicomFileInput, isDicom };

export interface DicomSeriesOptions {
  /** Which series to read when the files hold several: SeriesInstanceUID or SeriesNumber. */
  seriesInstanceUid?: string;
  /** Which temporal position / b-value of a 4D series (0-based, in time order); default: error listing them. */
  phase?: number;
  /** Convert PET (Units BQML) to SUV: body weight or lean body mass (James). */
  suv?: SuvMode;
  /** Directory or description used in messages. */
  source?: string;
}

/** One frame (slice) with what is needed to place and scale it; the pixels are decoded on demand. */
interface Frame {
  name: string;
  frameIndex: number;
  series: string;
  ipp: number[];
  iop: number[];
  pixelSpacing: number[];
  rows: number;
  columns: number;
  slope: number;
  intercept: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  monochrome1: boolean;
  /** temporal grouping key ("" when none) and its sort value */
  temporalKey: string;
  temporalOrder: number;
  /** seconds since midnight (acquisition), NaN when unknown */
  time: number;
  bValue?: number;
  position: number;
  pixels: () => Uint8Array;
  obj: ParsedDicom;
}

export interface PhaseInfo {
  /** 0-based index in time order. */
  index: number;
  /** TemporalPositionIdentifier / TemporalPositionIndex, or the b-value, as a label. */
  label: string;
  /** Seconds from the first phase (from acquisition times or TriggerTime), NaN when unknown. */
  time: number;
  bValue?: number;
}

export interface DicomSeriesInfo {
  seriesInstanceUid: string;
  seriesNumber: string;
  modality: string;
  description: string;
  files: number;
  frames: number;
  size: [number, number, number];
  spacing?: [number, number, number];
  phases: number;
  /** Set for objects that are not images (RTSTRUCT, SEG, SR, ...). */
  nonImage?: string;
}

export interface DicomVolumeResult {
  volume: Volume;
  series: DicomSeriesInfo;
  phase?: PhaseInfo;
  /** Choices made for the user (rescale, inversion, SUV, phase), to be printed by the CLI. */
  notes: string[];
}

/** Seconds since midnight of a DICOM TM value (HHMMSS.FFFFFF or HH:MM:SS), NaN when absent. */
export function tmSeconds(v: unknown): number {
  const s = str(v).replace(/:/g, "");
  if (!/^\d{2,6}(\.\d+)?$/.test(s)) return Number.NaN;
  const h = Number(s.slice(0, 2));
  const m = s.length >= 4 ? Number(s.slice(2, 4)) : 0;
  const sec = s.length > 4 ? Number(s.slice(4)) : 0;
  return h * 3600 + m * 60 + sec;
}

/** Days since 1970-01-01 of a DICOM DA value (YYYYMMDD), NaN when absent. */
export function daDays(v: unknown): number {
  const s = str(v).replace(/[.-]/g, "");
  if (!/^\d{8}$/.test(s)) return Number.NaN;
  return Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8))) / 86400000;
}

/** Seconds since midnight of a DT value (YYYYMMDDHHMMSS.FFFFFF...), or NaN. */
function dtSeconds(v: unknown): number {
  const s = str(v);
  if (s.length < 10) return Number.NaN;
  return tmSeconds(s.slice(8).replace(/[+-]\d{4}$/, ""));
}

function finiteOr(ds: Dataset, key: string, dflt: number, name: string): number {
  const v = ds[key];
  if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) return dflt;
  const x = num(v);
  if (!Number.isFinite(x)) throw new FormatError(`${key} is ${JSON.stringify(v)}, not a finite number`, name);
  return x;
}

function pixelFormat(ds: Dataset, name: string) {
  const rows = num(ds.Rows);
  const columns = num(ds.Columns);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(columns) || columns < 1)
    throw new FormatError(
      `Rows ${str(ds.Rows)} / Columns ${str(ds.Columns)} are not positive integers`,
      name,
    );
  const bitsAllocated = num(ds.BitsAllocated);
  if (![8, 16, 32].includes(bitsAllocated))
    throw new FormatError(`BitsAllocated is ${str(ds.BitsAllocated)} (8, 16 or 32 supported)`, name);
  const bitsStored = ds.BitsStored === undefined ? bitsAllocated : num(ds.BitsStored);
  if (!Number.isInteger(bitsStored) || bitsStored < 1 || bitsStored > bitsAllocated)
    throw new FormatError(
      `BitsStored is ${str(ds.BitsStored)} with BitsAllocated ${bitsAllocated} (must be 1..BitsAllocated)`,
      name,
    );
  if (ds.HighBit !== undefined && num(ds.HighBit) !== bitsStored - 1)
    throw new FormatError(
      `HighBit is ${str(ds.HighBit)}, BitsStored ${bitsStored} needs ${bitsStored - 1}`,
      name,
    );
  const pr = ds.PixelRepresentation === undefined ? 0 : num(ds.PixelRepresentation);
  if (pr !== 0 && pr !== 1)
    throw new FormatError(`PixelRepresentation is ${str(ds.PixelRepresentation)} (must be 0 or 1)`, name);
  const spp = ds.SamplesPerPixel === undefined ? 1 : num(ds.SamplesPerPixel);
  if (spp !== 1)
    throw new UnsupportedError(
      `DICOM with ${str(ds.SamplesPerPixel)} samples per pixel (colour) is not supported`,
      name,
    );
  const pi = str(ds.PhotometricInterpretation).toUpperCase();
  if (pi && pi !== "MONOCHROME1" && pi !== "MONOCHROME2")
    throw new UnsupportedError(`PhotometricInterpretation ${pi} is not supported (MONOCHROME1/2 only)`, name);
  return { rows, columns, bitsAllocated, bitsStored, signed: pr === 1, monochrome1: pi === "MONOCHROME1" };
}

function rescaleOf(ds: Dataset | undefined, name: string, dflt: { slope: number; intercept: number }) {
  if (!ds) return dflt;
  const slope = finiteOr(ds, "RescaleSlope", dflt.slope, name);
  const intercept = finiteOr(ds, "RescaleIntercept", dflt.intercept, name);
  if (slope === 0) throw new FormatError("RescaleSlope is 0", name);
  return { slope, intercept };
}

function checkVector(v: number[], n: number, key: string, name: string): void {
  if (v.length !== n || v.some((x) => !Number.isFinite(x)))
    throw new FormatError(`${key} is ${JSON.stringify(v)}, ${n} finite numbers expected`, name);
}

function notAnImage(obj: ParsedDicom): never {
  const kind = nonImageKind(obj.ds);
  throw new InputError(
    kind
      ? `this DICOM object is an ${kind}, not an image${/RTSTRUCT|SEG/.test(kind) ? " (give it as the mask, with the image series)" : ""}`
      : `DICOM object (SOP class ${str(obj.ds.SOPClassUID) || "?"}, modality ${str(obj.ds.Modality) || "?"}) has no pixel data: not an image`,
    obj.name,
  );
}

/** Frames of one image object (single- or multi-frame). */
function framesOf(obj: ParsedDicom): Frame[] {
  const ds = obj.ds;
  const name = obj.name;
  if (nonImageKind(ds) || ds.PixelData === undefined) notAnImage(obj);
  const fmt = pixelFormat(ds, name);
  const frameCount = ds.NumberOfFrames === undefined ? 1 : num(ds.NumberOfFrames);
  if (!Number.isInteger(frameCount) || frameCount < 1)
    throw new FormatError(`NumberOfFrames is ${str(ds.NumberOfFrames)}`, name);
  const info: FrameInfo = { ...fmt, samplesPerPixel: 1 };
  let decoded: Uint8Array[] | undefined;
  const pixels = (f: number) => () => {
    decoded ??= decodeFrames(ds.PixelData, obj.transferSyntax, info, frameCount, name);
    return decoded[f]!;
  };
  const series = str(ds.SeriesInstanceUID);
  const shared = item(ds.SharedFunctionalGroupsSequence);
  const perFrame = items(ds.PerFrameFunctionalGroupsSequence);
  const base = rescaleOf(ds, name, { slope: 1, intercept: 0 });
  const out: Frame[] = [];
  const baseTime = tmSeconds(ds.AcquisitionTime ?? ds.ContentTime);
  const trigger = num(ds.TriggerTime);
  const bBase = num(ds.DiffusionBValue);
  if (perFrame.length > 0 || shared) {
    // enhanced multi-frame: functional groups (per-frame first, then shared)
    if (perFrame.length !== frameCount)
      throw new FormatError(
        `PerFrameFunctionalGroupsSequence has ${perFrame.length} items, NumberOfFrames is ${frameCount}`,
        name,
      );
    const group = (f: number, seq: string): Dataset | undefined =>
      item(perFrame[f]?.[seq]) ?? item(shared?.[seq]);
    for (let f = 0; f < frameCount; f++) {
      const fname = `${name} frame ${f + 1}`;
      const ipp = nums(group(f, "PlanePositionSequence")?.ImagePositionPatient);
      const iop = nums(group(f, "PlaneOrientationSequence")?.ImageOrientationPatient);
      const ps = nums(group(f, "PixelMeasuresSequence")?.PixelSpacing);
      checkVector(ipp, 3, "ImagePositionPatient (PlanePositionSequence)", fname);
      checkVector(iop, 6, "ImageOrientationPatient (PlaneOrientationSequence)", fname);
      checkVector(ps, 2, "PixelSpacing (PixelMeasuresSequence)", fname);
      const rs = rescaleOf(group(f, "PixelValueTransformationSequence"), fname, base);
      const fc = group(f, "FrameContentSequence");
      const tpi = fc?.TemporalPositionIndex;
      const b = num(group(f, "MRDiffusionSequence")?.DiffusionBValue);
      const t = dtSeconds(fc?.FrameAcquisitionDateTime);
      const key = tpi !== undefined ? `t${num(tpi)}` : Number.isFinite(b) ? `b${b}` : "";
      out.push({
        ...fmt,
        name: fname,
        frameIndex: f,
        series,
        ipp,
        iop,
        pixelSpacing: ps,
        ...rs,
        temporalKey: key,
        temporalOrder: tpi !== undefined ? num(tpi) : Number.isFinite(b) ? b : 0,
        time: Number.isFinite(t) ? t : baseTime,
        bValue: Number.isFinite(b) ? b : undefined,
        position: 0,
        pixels: pixels(f),
        obj,
      });
    }
    return out;
  }
  const ipp = nums(ds.ImagePositionPatient);
  const iop = nums(ds.ImageOrientationPatient);
  const ps = nums(ds.PixelSpacing);
  if (ipp.length === 0 || iop.length === 0 || ps.length === 0)
    throw new FormatError(
      `DICOM image lacks ${[ipp.length ? "" : "ImagePositionPatient", iop.length ? "" : "ImageOrientationPatient", ps.length ? "" : "PixelSpacing"].filter(Boolean).join(", ")} (modality ${str(ds.Modality) || "?"}: not a cross-sectional image?)`,
      name,
    );
  checkVector(ipp, 3, "ImagePositionPatient", name);
  checkVector(iop, 6, "ImageOrientationPatient", name);
  checkVector(ps, 2, "PixelSpacing", name);
  if (frameCount !== 1) {
    // classic multi-frame without functional groups: frames stacked along the normal by SliceThickness /
    // SpacingBetweenSlices
    const step = num(ds.SpacingBetweenSlices ?? ds.SliceThickness);
    if (!(step > 0))
      throw new UnsupportedError(
        `multi-frame object (${frameCount} frames) without functional groups or SpacingBetweenSlices`,
        name,
      );
    const n = normalOf(iop);
    for (let f = 0; f < frameCount; f++)
      out.push({
        ...fmt,
        name: `${name} frame ${f + 1}`,
        frameIndex: f,
        series,
        ipp: ipp.map((x, a) => x + f * step * n[a]!),
        iop,
        pixelSpacing: ps,
        ...base,
        temporalKey: "",
        temporalOrder: 0,
        time: baseTime,
        position: 0,
        pixels: pixels(f),
        obj,
      });
    return out;
  }
  const tpid = ds.TemporalPositionIdentifier;
  const key = tpid !== undefined ? `t${num(tpid)}` : Number.isFinite(bBase) ? `b${bBase}` : "";
  out.push({
    ...fmt,
    name,
    frameIndex: 0,
    series,
    ipp,
    iop,
    pixelSpacing: ps,
    ...base,
    temporalKey: key,
    temporalOrder: tpid !== undefined ? num(tpid) : Number.isFinite(bBase) ? bBase : 0,
    time: Number.isFinite(trigger) && tpid !== undefined ? baseTime : baseTime,
    bValue: Number.isFinite(bBase) ? bBase : undefined,
    position: 0,
    pixels: pixels(0),
    obj,
  });
  return out;
}

function normalOf(iop: number[]): number[] {
  const [r0, r1, r2, c0, c1, c2] = iop as [number, number, number, number, number, number];
  return [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
}

interface SeriesGroup {
  uid: string;
  objects: ParsedDicom[];
}

function parseAll(files: DicomFileInput[]): ParsedDicom[] {
  return files.map(parseDicomFile);
}

function groupSeries(objs: ParsedDicom[]): SeriesGroup[] {
  const map = new Map<string, SeriesGroup>();
  for (const o of objs) {
    const uid = str(o.ds.SeriesInstanceUID);
    let g = map.get(uid);
    if (!g) {
      g = { uid, objects: [] };
      map.set(uid, g);
    }
    g.objects.push(o);
  }
  return [...map.values()];
}

function summarise(g: SeriesGroup): DicomSeriesInfo {
  const ds = g.objects[0]!.ds;
  const nonImage = nonImageKind(ds) ?? (ds.PixelData === undefined ? "object without pixel data" : undefined);
  const frames = g.objects.reduce(
    (a, o) => a + (o.ds.NumberOfFrames === undefined ? 1 : num(o.ds.NumberOfFrames)),
    0,
  );
  const info: DicomSeriesInfo = {
    seriesInstanceUid: g.uid,
    seriesNumber: str(ds.SeriesNumber),
    modality: str(ds.Modality),
    description: str(ds.SeriesDescription),
    files: g.objects.length,
    frames: nonImage ? 0 : frames,
    size: [num(ds.Columns) || 0, num(ds.Rows) || 0, 0],
    phases: 1,
    ...(nonImage ? { nonImage } : {}),
  };
  return info;
}

/** Lists the series in a set of DICOM files (images and other objects), with size and spacing of images. */
export function listDicomSeries(files: DicomFileInput[]): DicomSeriesInfo[] {
  return groupSeries(parseAll(files)).map((g) => {
    const info = summarise(g);
    if (info.nonImage) return info;
    try {
      const phases = buildPhases(g, {});
      const v = phases[0]!.volume;
      info.size = [...v.size];
      info.spacing = [...v.spacing];
      info.phases = phases.length;
    } catch (e) {
      (info as DicomSeriesInfo & { problem?: string }).problem = (e as Error).message;
    }
    return info;
  });
}

function pickSeries(groups: SeriesGroup[], opts: DicomSeriesOptions): SeriesGroup {
  const label = (g: SeriesGroup) => {
    const s = summarise(g);
    return `${s.seriesNumber ? `#${s.seriesNumber} ` : ""}${s.modality} "${s.description}" ${g.uid}${s.nonImage ? ` [${s.nonImage}]` : ""}`;
  };
  if (opts.seriesInstanceUid !== undefined) {
    const want = String(opts.seriesInstanceUid);
    const hit = groups.filter((g) => g.uid === want || str(g.objects[0]!.ds.SeriesNumber) === want);
    if (hit.length === 1) return hit[0]!;
    throw new InputError(
      `${hit.length ? `series number ${want} is ambiguous` : `series ${want} not found`} (series present: ${groups.map(label).join("; ")})`,
      opts.source,
    );
  }
  const images = groups.filter((g) => !summarise(g).nonImage);
  if (images.length === 1) return images[0]!;
  if (images.length === 0) {
    if (groups.length === 1) notAnImage(groups[0]!.objects[0]!);
    throw new InputError(
      `no image series among the DICOM files (found: ${groups.map(label).join("; ")})`,
      opts.source,
    );
  }
  throw new InputError(
    `the files hold ${images.length} image series (${images.map(label).join("; ")}); choose one with --series UID|number`,
    opts.source,
  );
}

interface Phase {
  volume: Volume;
  phase: PhaseInfo;
  frames: Frame[];
  notes: string[];
}

function buildPhases(g: SeriesGroup, opts: DicomSeriesOptions): Phase[] {
  const frames = g.objects.flatMap(framesOf);
  const first = frames[0]!;
  for (const f of frames) {
    for (const k of ["rows", "columns", "bitsAllocated", "bitsStored", "signed", "monochrome1"] as const)
      if (f[k] !== first[k])
        throw new FormatError(
          `${k === "rows" ? "Rows" : k === "columns" ? "Columns" : k === "signed" ? "PixelRepresentation" : k === "monochrome1" ? "PhotometricInterpretation" : k === "bitsAllocated" ? "BitsAllocated" : "BitsStored"} is ${f[k]}, the series' first slice (${first.name}) has ${first[k]}`,
          f.name,
        );
    if (f.iop.some((x, i) => Math.abs(x - first.iop[i]!) > 1e-4))
      throw new GeometryError(
        `mixed orientations: ImageOrientationPatient ${f.iop.join("\\")} differs from ${first.iop.join("\\")} (${first.name})`,
        f.name,
      );
    if (f.pixelSpacing.some((x, i) => Math.abs(x - first.pixelSpacing[i]!) > 1e-6))
      throw new GeometryError(
        `PixelSpacing ${f.pixelSpacing.join("\\")} differs from ${first.pixelSpacing.join("\\")} (${first.name})`,
        f.name,
      );
  }
  const normal = normalOf(first.iop);
  for (const f of frames)
    f.position = f.ipp[0]! * normal[0]! + f.ipp[1]! * normal[1]! + f.ipp[2]! * normal[2]!;
  // temporal grouping
  let keyed = frames.some((f) => f.temporalKey !== "");
  if (!keyed) {
    const positions = new Map<string, number>();
    for (const f of frames) {
      const p = f.position.toFixed(3);
      positions.set(p, (positions.get(p) ?? 0) + 1);
    }
    const repeats = [...positions.values()];
    const times = new Set(frames.map((f) => f.time));
    if (repeats.some((c) => c > 1)) {
      if (repeats.every((c) => c === repeats[0]) && times.size > 1) {
        // several acquisitions at each position: group by the rank of the acquisition time per position
        const byPos = new Map<string, Frame[]>();
        for (const f of frames) {
          const p = f.position.toFixed(3);
          byPos.set(p, [...(byPos.get(p) ?? []), f]);
        }
        for (const list of byPos.values()) {
          list.sort((a, b) => a.time - b.time);
          list.forEach((f, r) => {
            f.temporalKey = `a${r + 1}`;
            f.temporalOrder = r + 1;
          });
        }
        keyed = true;
      } else {
        const dup = [...positions.entries()].find(([, c]) => c > 1)!;
        const names = frames.filter((f) => f.position.toFixed(3) === dup[0]).map((f) => f.name);
        throw new GeometryError(
          `duplicate slice: ${names.join(" and ")} are both at ${dup[0]} mm along the slice normal`,
          opts.source,
        );
      }
    }
  }
  const groups = new Map<string, Frame[]>();
  for (const f of frames) groups.set(f.temporalKey, [...(groups.get(f.temporalKey) ?? []), f]);
  const ordered = [...groups.entries()].sort((a, b) => a[1][0]!.temporalOrder - b[1][0]!.temporalOrder);
  const counts = ordered.map(([, l]) => l.length);
  if (ordered.length > 1 && counts.some((c) => c !== counts[0]))
    throw new GeometryError(
      `temporal positions hold different slice counts (${ordered.map(([k, l]) => `${k}: ${l.length}`).join(", ")}): incomplete 4D series`,
      opts.source,
    );
  const phaseTimes = ordered.map(([, l]) => Math.min(...l.map((f) => f.time)));
  const t0 = phaseTimes[0]!;
  return ordered.map(([key, list], index) => {
    const trig = num(list[0]!.obj.ds.TriggerTime);
    const time = Number.isFinite(phaseTimes[index]! - t0)
      ? phaseTimes[index]! - t0
      : Number.isFinite(trig)
        ? (trig - num(ordered[0]![1][0]!.obj.ds.TriggerTime)) / 1000
        : Number.NaN;
    const phase: PhaseInfo = {
      index,
      label: key || "1",
      time,
      ...(list[0]!.bValue !== undefined ? { bValue: list[0]!.bValue } : {}),
    };
    const notes: string[] = [];
    const volume = assemble(list, opts, notes, ordered.length > 1 ? ` (temporal position ${key})` : "");
    return { volume, phase, frames: list, notes };
  });
}

function assemble(slices: Frame[], opts: DicomSeriesOptions, notes: string[], what: string): Volume {
  const source = opts.source;
  const first = slices[0]!;
  const row = first.iop.slice(0, 3);
  const col = first.iop.slice(3, 6);
  const normal = normalOf(first.iop);
  slices.sort((a, b) => a.position - b.position);
  let sliceSpacing: number;
  if (slices.length > 1) {
    sliceSpacing = (slices[slices.length - 1]!.position - slices[0]!.position) / (slices.length - 1);
    const tol = Math.max(1e-3, 0.01 * Math.abs(sliceSpacing));
    for (let k = 1; k < slices.length; k++) {
      const gap = slices[k]!.position - slices[k - 1]!.position;
      if (gap < 1e-3)
        throw new GeometryError(
          `duplicate slice: ${slices[k - 1]!.name} and ${slices[k]!.name} are at the same position${what}`,
          source,
        );
      if (Math.abs(gap - sliceSpacing) > tol)
        throw new GeometryError(
          `slices are not evenly spaced${what}: ${slices[k - 1]!.name} -> ${slices[k]!.name} is ${gap.toPrecision(6)} mm, the series average is ${sliceSpacing.toPrecision(6)} mm (missing or duplicate slice?)`,
          source,
        );
    }
    // gantry tilt: slice origins must advance along the normal only
    const d = slices[slices.length - 1]!.ipp.map((x, a) => x - slices[0]!.ipp[a]!);
    const along = d[0]! * normal[0]! + d[1]! * normal[1]! + d[2]! * normal[2]!;
    const off = Math.hypot(...d.map((x, a) => x - along * normal[a]!));
    if (off > Math.max(1e-3, 1e-3 * Math.abs(along))) {
      const deg = (Math.atan2(off, Math.abs(along)) * 180) / Math.PI;
      throw new GeometryError(
        `gantry tilt: slice origins move ${off.toPrecision(4)} mm within the image plane over ${Math.abs(along).toPrecision(4)} mm (${deg.toFixed(2)} degrees${first.obj.ds.GantryDetectorTilt !== undefined ? `, GantryDetectorTilt ${str(first.obj.ds.GantryDetectorTilt)}` : ""}); the volume is sheared, resample it (e.g. dcm2niix) first`,
        source,
      );
    }
  } else {
    const ds = first.obj.ds;
    sliceSpacing = num(ds.SpacingBetweenSlices ?? ds.SliceThickness);
    if (!(sliceSpacing > 0)) {
      sliceSpacing = 1;
      notes.push(`${first.name}: a single slice without SliceThickness: slice spacing set to 1 mm`);
    }
  }
  const size: Vec3 = [first.columns, first.rows, slices.length];
  const spacing: Vec3 = [first.pixelSpacing[1]!, first.pixelSpacing[0]!, sliceSpacing];
  const origin = [...slices[0]!.ipp] as Vec3;
  const direction = [row[0], col[0], normal[0], row[1], col[1], normal[1], row[2], col[2], normal[2]].map(
    (x) => x! + 0,
  ) as Mat3;
  const geometry = { size, spacing, origin, direction };
  validateGeometry(geometry, source);

  let suv = 1;
  if (opts.suv) {
    const r = suvFactor(
      first.obj.ds,
      opts.suv,
      slices.map((s) => s.obj.ds),
      first.name,
    );
    suv = r.factor;
    notes.push(r.note);
  }
  const perSlice = first.rows * first.columns;
  // integer rescale (and no SUV): exact in int32, narrowed to int16 when every value fits; else float32
  const allInt = suv === 1 && slices.every((s) => Number.isInteger(s.slope) && Number.isInteger(s.intercept));
  const values: Int32Array | Float32Array = allInt
    ? new Int32Array(perSlice * slices.length)
    : new Float32Array(perSlice * slices.length);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const bytes = first.bitsAllocated / 8;
  const bits = first.bitsStored;
  const shift = 32 - bits;
  const maxStored = first.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const minStored = first.signed ? -(2 ** (bits - 1)) : 0;
  if (first.monochrome1)
    notes.push(`MONOCHROME1: stored values inverted (${minStored} + ${maxStored} - value) before rescaling`);
  slices.forEach((s, k) => {
    const raw8 = s.pixels();
    const le = bytes > 1 && !HOST_LITTLE_ENDIAN ? raw8.slice() : raw8;
    if (bytes > 1 && !HOST_LITTLE_ENDIAN) swapBytes(le, bytes);
    const aligned = le.byteOffset % bytes === 0 ? le : le.slice();
    const src =
      bytes === 1
        ? aligned
        : bytes === 2
          ? new Uint16Array(aligned.buffer, aligned.byteOffset, perSlice)
          : new Uint32Array(aligned.buffer, aligned.byteOffset, perSlice);
    const off = k * perSlice;
    const slope = s.slope * suv;
    const intercept = s.intercept * suv;
    const inv = s.monochrome1;
    let sliceLo = Number.POSITIVE_INFINITY;
    let sliceHi = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < perSlice; p++) {
      const u = src[p]!;
      let raw =
        bits >= 32 ? (s.signed ? u | 0 : u) : s.signed ? (u << shift) >> shift : (u << shift) >>> shift;
      if (inv) raw = maxStored + minStored - raw;
      if (raw < sliceLo) sliceLo = raw;
      if (raw > sliceHi) sliceHi = raw;
      values[off + p] = raw * slope + intercept;
    }
    const a = sliceLo * slope + intercept;
    const b = sliceHi * slope + intercept;
    lo = Math.min(lo, a, b);
    hi = Math.max(hi, a, b);
  });
  if (slices.some((s) => s.slope !== 1 || s.intercept !== 0)) {
    const sl = [...new Set(slices.map((s) => `${s.slope}/${s.intercept}`))];
    notes.push(
      `rescaled: RescaleSlope/RescaleIntercept ${sl.length === 1 ? sl[0] : `per slice (${sl.length} distinct)`}`,
    );
  }
  if (allInt && (lo < -2147483648 || hi > 2147483647))
    throw new FormatError(`rescaled values ${lo}..${hi} exceed the 32-bit integer range`, source);
  const data: VoxelArray = allInt && lo >= -32768 && hi <= 32767 ? Int16Array.from(values) : values;
  return new Volume(data, geometry);
}

function selectPhase(phases: Phase[], opts: DicomSeriesOptions): Phase {
  if (opts.phase !== undefined) {
    const p = phases[opts.phase];
    if (!p)
      throw new InputError(
        `phase ${opts.phase} does not exist (the series has ${phases.length}: 0..${phases.length - 1})`,
        opts.source,
      );
    return p;
  }
  if (phases.length > 1)
    throw new InputError(
      `the series holds ${phases.length} temporal positions / b-values (${phases.map((p) => `${p.phase.index}: ${p.phase.label}${Number.isFinite(p.phase.time) ? ` at ${p.phase.time.toFixed(1)} s` : ""}`).join(", ")}); choose one with phase (--phase N) or read all with parseDicomPhases`,
      opts.source,
    );
  return phases[0]!;
}

/** Reads one series (and one temporal position) with its description and the choices made. */
export function parseDicomSeriesDetailed(
  files: DicomFileInput[],
  opts: DicomSeriesOptions = {},
): DicomVolumeResult {
  const dicomFiles = files.filter((f) => f.bytes.length === 0 || isDicom(f.bytes) || /\.dcm$/i.test(f.name));
  if (dicomFiles.length === 0) throw new InputError("no DICOM files found", opts.source);
  const groups = groupSeries(parseAll(dicomFiles));
  const g = pickSeries(groups, opts);
  const phases = buildPhases(g, opts);
  const p = selectPhase(phases, opts);
  const series = summarise(g);
  series.size = [...p.volume.size];
  series.spacing = [...p.volume.spacing];
  series.phases = phases.length;
  return { volume: p.volume, series, ...(phases.length > 1 ? { phase: p.phase } : {}), notes: p.notes };
}

/** Reads one DICOM series from the bytes of its files (any order). */
export function parseDicomSeries(files: DicomFileInput[], opts: DicomSeriesOptions = {}): Volume {
  return parseDicomSeriesDetailed(files, opts).volume;
}

/** Every temporal position / b-value of a 4D series, in order, with its timing. */
export function parseDicomPhases(
  files: DicomFileInput[],
  opts: DicomSeriesOptions = {},
): Array<{ volume: Volume; phase: PhaseInfo }> {
  const groups = groupSeries(parseAll(files.filter((f) => isDicom(f.bytes))));
  return buildPhases(pickSeries(groups, opts), opts).map((p) => ({ volume: p.volume, phase: p.phase }));
}

/** The series' frames' SOP instance UIDs and positions, in k order (for SEG/RTSTRUCT references). */
export function seriesReferences(
  files: DicomFileInput[],
  opts: DicomSeriesOptions = {},
): {
  volume: Volume;
  sopInstanceUids: string[];
  sopClassUid: string;
  frameOfReferenceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  ds: Dataset;
} {
  const groups = groupSeries(parseAll(files.filter((f) => isDicom(f.bytes))));
  const g = pickSeries(groups, opts);
  const phases = buildPhases(g, opts);
  const p = selectPhase(phases, opts);
  const ds = g.objects[0]!.ds;
  return {
    volume: p.volume,
    sopInstanceUids: p.frames.map((f) => str(f.obj.ds.SOPInstanceUID)),
    sopClassUid: str(ds.SOPClassUID),
    frameOfReferenceUid: str(ds.FrameOfReferenceUID),
    seriesInstanceUid: g.uid,
    studyInstanceUid: str(ds.StudyInstanceUID),
    ds,
  };
}

export { TS_NAMES };
