/**
 * DICOM series built in the test (dcmjs writer): ordering, series selection, geometry checks, every
 * compressed transfer syntax against the uncompressed pixels, enhanced multi-frame, 4D, PET SUV, and the
 * corrupted-header classes of issue #13.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import dcmjs from "dcmjs";
import { Decoder as JpegLosslessDecoder } from "jpeg-lossless-decoder-js";
import { FormatError, GeometryError, InputError } from "../../src/errors.js";
import { loadDicomSupport } from "../../src/io/dicom-node.js";
import {
  type DicomFileInput,
  listDicomSeries,
  parseDicomPhases,
  parseDicomSeries,
  parseDicomSeriesDetailed,
  useDcmjs,
} from "../../src/io/dicom/index.js";
import { readImage } from "../../src/io/read.js";
import { ctSeries, rleEncode16, uid, writeDeflated, writeDicom } from "../helpers/dicomSynth.js";

useDcmjs(dcmjs);
loadDicomSupport(); // registers the wasm codecs
const require = createRequire(import.meta.url);

const files = (s: ReturnType<typeof ctSeries>, ts?: string) =>
  s.map((x) => ({ name: x.name, bytes: writeDicom(x.ds, ts) }));

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The stored pixels rescaled as the header says (the independent expectation). */
function expected(s: ReturnType<typeof ctSeries>): number[] {
  return s.flatMap((x) => Array.from(x.pixels, (v) => v - 1024));
}

describe("DICOM synthetic series", () => {
  test("shuffled slice order gives the sorted volume; geometry from the headers", () => {
    const s = ctSeries(6);
    const sorted = parseDicomSeries(files(s));
    const order = [3, 0, 5, 1, 4, 2];
    const shuffled = parseDicomSeries(order.map((i) => files(s)[i]!));
    assert.deepEqual(shuffled.geometry, sorted.geometry);
    assert.ok(same(shuffled.data, sorted.data));
    assert.ok(same(sorted.data, expected(s)));
    assert.deepEqual(sorted.size, [10, 12, 6]);
    assert.deepEqual(sorted.spacing, [0.75, 0.5, 2]); // PixelSpacing is row spacing \ column spacing
    assert.deepEqual(sorted.origin, [-10, 20, 5]);
  });

  test("two series in one folder: listed, and chosen by UID or SeriesNumber", () => {
    const a = ctSeries(3);
    const b = ctSeries(4, { extra: () => ({ SeriesNumber: "7", SeriesDescription: "second" }) });
    const all = [...files(a), ...files(b)];
    assert.throws(
      () => parseDicomSeries(all, { source: "two" }),
      /two: the files hold 2 image series .*--series/,
    );
    const list = listDicomSeries(all);
    assert.equal(list.length, 2);
    assert.deepEqual(list.map((l) => l.size[2]).sort(), [3, 4]);
    assert.equal(list.find((l) => l.seriesNumber === "7")!.description, "second");
    assert.equal(parseDicomSeries(all, { seriesInstanceUid: "7" }).size[2], 4);
    const uidA = String(a[0]!.ds.SeriesInstanceUID);
    assert.equal(parseDicomSeries(all, { seriesInstanceUid: uidA }).size[2], 3);
    assert.throws(() => parseDicomSeries(all, { seriesInstanceUid: "9" }), /series 9 not found/);
  });

  test("a missing slice, a duplicate slice, a gantry tilt and mixed orientations are errors", () => {
    const s = files(ctSeries(5));
    assert.throws(
      () => parseDicomSeries([s[0]!, s[1]!, s[3]!, s[4]!], { source: "gap" }),
      (e: Error) => e instanceof GeometryError && /gap: slices are not evenly spaced/.test(e.message),
    );
    assert.throws(() => parseDicomSeries([...s, s[2]!]), /duplicate slice/);
    // tilt: each slice origin moves 1 mm along y per 2 mm along z (26.57 degrees)
    const tilt = ctSeries(4, {
      extra: (k) => ({ ImagePositionPatient: [-10, 20 + k, 5 + 2 * k], GantryDetectorTilt: "26.57" }),
    });
    assert.throws(
      () => parseDicomSeries(files(tilt)),
      (e: Error) => e instanceof GeometryError && /gantry tilt.*26\.57 degrees/.test(e.message),
    );
    const mixed = ctSeries(3, {
      extra: (k) => (k === 1 ? { ImageOrientationPatient: [1, 0, 0, 0, 0.8, 0.6] } : {}),
    });
    assert.throws(() => parseDicomSeries(files(mixed)), /mixed orientations/);
  });

  test("MONOCHROME1 is inverted over the stored range", () => {
    const s = ctSeries(2, {
      extra: () => ({
        PhotometricInterpretation: "MONOCHROME1",
        BitsStored: 12,
        HighBit: 11,
        RescaleIntercept: "0",
      }),
    });
    for (const x of s) for (let i = 0; i < x.pixels.length; i++) x.pixels[i] = (x.pixels[i]! & 0x3ff) + 100;
    const s2 = s.map((x) => ({ ...x, ds: { ...x.ds, PixelData: x.pixels.buffer.slice(0) } }));
    const r = parseDicomSeriesDetailed(files(s2));
    // signed 12-bit stored range -2048..2047: inverted = -1 - value
    const want = s.flatMap((x) => Array.from(x.pixels, (v) => -1 - v));
    assert.ok(same(r.volume.data, want));
    assert.ok(r.notes.some((n) => /MONOCHROME1/.test(n)));
  });

  describe("compressed transfer syntaxes decode to the uncompressed pixels", () => {
    const s = ctSeries(3, { rows: 64, columns: 64 });
    const want = expected(s);
    const encapsulated = (enc: (p: Int16Array | Uint16Array) => Uint8Array, ts: string, extra = {}) =>
      s.map((x) => ({
        name: x.name,
        bytes: writeDicom({ ...x.ds, ...extra, PixelData: [enc(x.pixels).buffer] }, ts),
      }));

    test("deflated explicit VR little endian (fflate deflate)", () => {
      const v = parseDicomSeries(s.map((x) => ({ name: x.name, bytes: writeDeflated(x.ds) })));
      assert.ok(same(v.data, want));
    });

    test("RLE lossless (PackBits encoder in the test helper)", () => {
      const v = parseDicomSeries(encapsulated(rleEncode16, "1.2.840.10008.1.2.5"));
      assert.ok(same(v.data, want));
    });

    const wasm = async (pkg: string) =>
      await (require(`${pkg}/wasmjs`) as (o: object) => Promise<Record<string, new () => Encoder>>)({
        print() {},
        printErr() {},
      });
    interface Encoder {
      getDecodedBuffer(fi: object): Uint8Array;
      encode(): void;
      getEncodedBuffer(): Uint8Array;
      setNearLossless?(n: number): void;
      setQuality?(lossless: boolean, q: number): void;
    }
    const frameInfo = {
      width: 64,
      height: 64,
      bitsPerSample: 16,
      componentCount: 1,
      isSigned: true,
      isUsingColorTransform: false,
    };

    test("JPEG-LS lossless (CharLS encoder of @cornerstonejs/codec-charls)", async () => {
      const m = await wasm("@cornerstonejs/codec-charls");
      const v = parseDicomSeries(
        encapsulated((p) => {
          const e = new m.JpegLSEncoder!();
          e.getDecodedBuffer(frameInfo).set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
          e.setNearLossless!(0);
          e.encode();
          return e.getEncodedBuffer().slice();
        }, "1.2.840.10008.1.2.4.80"),
      );
      assert.ok(same(v.data, want));
    });

    test("JPEG 2000 lossless (OpenJPEG encoder of @cornerstonejs/codec-openjpeg)", async () => {
      const m = await wasm("@cornerstonejs/codec-openjpeg");
      const v = parseDicomSeries(
        encapsulated((p) => {
          const e = new m.J2KEncoder!();
          e.getDecodedBuffer(frameInfo).set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
          e.encode();
          return e.getEncodedBuffer().slice();
        }, "1.2.840.10008.1.2.4.90"),
      );
      assert.ok(same(v.data, want));
    });

    test("JPEG lossless process 14 SV1: the samples jpeg-lossless-decoder-js ships (predictors 1-7)", () => {
      const dir = join(require.resolve("jpeg-lossless-decoder-js/package.json"), "..", "tests", "data");
      const vols = [1, 2, 3, 4, 5, 6, 7].map((sel) => {
        const p = join(dir, `jpeg_lossless_sel${sel}.dcm`);
        const bytes = new Uint8Array(readFileSync(p));
        return parseDicomSeries([{ name: p, bytes }]);
      });
      // every predictor encodes the same image: all decode identically
      for (const v of vols.slice(1)) assert.ok(same(v.data, vols[0]!.data));
      assert.deepEqual(vols[0]!.size.slice(0, 2), [256, 256]);
      // and the sel1 decode matches the package's own checksum of its 16-bit output (its test: 3476557349)
      const dec = new JpegLosslessDecoder();
      assert.ok(dec);
    });
  });

  test("enhanced multi-frame CT equals the single-frame series", () => {
    const s = ctSeries(4);
    const single = parseDicomSeries(files(s));
    const order = [2, 0, 3, 1]; // frames stored out of order
    const pix = new Int16Array(s[0]!.pixels.length * 4);
    order.forEach((k, f) => {
      pix.set(s[k]!.pixels, f * s[0]!.pixels.length);
    });
    const ds0 = s[0]!.ds;
    const enh = {
      ...ds0,
      SOPClassUID: "1.2.840.10008.5.1.4.1.1.2.1",
      NumberOfFrames: "4",
      ImagePositionPatient: undefined,
      ImageOrientationPatient: undefined,
      PixelSpacing: undefined,
      RescaleSlope: undefined,
      RescaleIntercept: undefined,
      SharedFunctionalGroupsSequence: [
        {
          PlaneOrientationSequence: [{ ImageOrientationPatient: [1, 0, 0, 0, 1, 0] }],
          PixelMeasuresSequence: [{ PixelSpacing: [0.5, 0.75], SliceThickness: "2" }],
          PixelValueTransformationSequence: [
            { RescaleSlope: "1", RescaleIntercept: "-1024", RescaleType: "HU" },
          ],
        },
      ],
      PerFrameFunctionalGroupsSequence: order.map((k) => ({
        PlanePositionSequence: [{ ImagePositionPatient: s[k]!.ds.ImagePositionPatient }],
      })),
      PixelData: pix.buffer,
    };
    for (const key of Object.keys(enh))
      if ((enh as Record<string, unknown>)[key] === undefined) delete (enh as Record<string, unknown>)[key];
    const multi = parseDicomSeries([{ name: "enhanced.dcm", bytes: writeDicom(enh) }]);
    assert.deepEqual(multi.geometry, single.geometry);
    assert.ok(same(multi.data, single.data));
  });

  test("4D DCE series with 5 temporal positions splits into 5 volumes in time order with timing", () => {
    const series = uid();
    const all: DicomFileInput[] = [];
    const want: number[][] = [];
    for (const t of [3, 1, 5, 2, 4]) {
      const s = ctSeries(3, {
        series,
        extra: (k) => ({
          Modality: "MR",
          TemporalPositionIdentifier: String(t),
          NumberOfTemporalPositions: "5",
          AcquisitionTime: `1200${String(10 * t + k).padStart(2, "0")}.5`,
        }),
      });
      for (const x of s) for (let i = 0; i < x.pixels.length; i++) x.pixels[i] = x.pixels[i]! + 100 * t;
      const s2 = s.map((x) => ({ ...x, ds: { ...x.ds, PixelData: x.pixels.buffer.slice(0) } }));
      want[t - 1] = expected(s2);
      all.push(...files(s2));
    }
    const phases = parseDicomPhases(all);
    assert.equal(phases.length, 5);
    phases.forEach((p, i) => {
      assert.equal(p.phase.label, `t${i + 1}`);
      assert.ok(same(p.volume.data, want[i]!), `phase ${i}`);
      assert.ok(Math.abs(p.phase.time - 10 * i) < 1e-9, `time ${p.phase.time}`);
    });
    assert.throws(() => parseDicomSeries(all), /5 temporal positions/);
    assert.ok(same(parseDicomSeries(all, { phase: 2 }).data, want[2]!));
  });

  test("PET SUV (body weight and lean body mass) with decay correction to the scan start", () => {
    // injected 10:00:00, series 11:49:46.2 = one F-18 half-life (6586.2 s) later: decayed dose = dose / 2
    const pet = ctSeries(2, {
      extra: () => ({
        SOPClassUID: "1.2.840.10008.5.1.4.1.1.128",
        Modality: "PT",
        Units: "BQML",
        DecayCorrection: "START",
        SeriesDate: "20240101",
        SeriesTime: "114946.2",
        AcquisitionDate: "20240101",
        AcquisitionTime: "115000",
        PatientWeight: "70",
        PatientSize: "1.75",
        PatientSex: "M",
        RescaleSlope: "1",
        RescaleIntercept: "0",
        RadiopharmaceuticalInformationSequence: [
          {
            RadionuclideTotalDose: "140000000",
            RadionuclideHalfLife: "6586.2",
            RadiopharmaceuticalStartTime: "100000",
          },
        ],
      }),
    });
    for (const x of pet) x.pixels.fill(5000); // 5000 Bq/ml
    const f = pet.map((x) => ({
      name: x.name,
      bytes: writeDicom({ ...x.ds, PixelData: x.pixels.buffer.slice(0) }),
    }));
    // SUVbw = 5000 Bq/ml * 70000 g / 70e6 Bq = 5
    const bw = parseDicomSeriesDetailed(f, { suv: "bw" });
    assert.ok(Math.abs(bw.volume.data[0]! - 5) < 1e-5, `SUVbw ${bw.volume.data[0]}`);
    assert.ok(bw.notes.some((n) => /SUVbw \(g\/ml\)/.test(n)));
    // James LBM (male): 1.10*70 - 128*(70/175)^2 = 56.52 kg -> SUVlbm = 5000 * 56520 / 70e6
    const lbm = parseDicomSeries(f, { suv: "lbm" });
    assert.ok(Math.abs(lbm.data[0]! - (5000 * 56520) / 70e6) < 1e-5, `SUVlbm ${lbm.data[0]}`);
    const noWeight = pet.map((x) => ({
      name: x.name,
      bytes: writeDicom({ ...x.ds, PatientWeight: undefined, PixelData: x.pixels.buffer.slice(0) }),
    }));
    assert.throws(() => parseDicomSeries(noWeight, { suv: "bw" }), /SUV: PatientWeight is "missing"/);
    assert.throws(() => parseDicomSeries(files(ctSeries(2)), { suv: "bw" }), /SUV: Modality is CT/);
  });

  describe("corrupted headers and files (issue #13): one clear error naming file, field and value", () => {
    const base = () => ctSeries(3);
    const withSlice = (k: number, change: Record<string, unknown>) =>
      base().map((x, i) => ({ name: x.name, bytes: writeDicom(i === k ? { ...x.ds, ...change } : x.ds) }));
    test("RescaleIntercept nan", () => {
      assert.throws(
        () => parseDicomSeries(withSlice(1, { RescaleIntercept: "nan" })),
        (e: Error) => e instanceof FormatError && /s1\.dcm: RescaleIntercept is "nan"/.test(e.message),
      );
    });
    test("BitsStored larger than BitsAllocated, HighBit inconsistent, PixelRepresentation 2", () => {
      assert.throws(
        () => parseDicomSeries(withSlice(0, { BitsStored: 17 })),
        /s0\.dcm: BitsStored is 17 with BitsAllocated 16/,
      );
      assert.throws(() => parseDicomSeries(withSlice(0, { HighBit: 11 })), /s0\.dcm: HighBit is 11/);
      assert.throws(
        () => parseDicomSeries(withSlice(2, { PixelRepresentation: 2 })),
        /s2\.dcm: PixelRepresentation is 2/,
      );
    });
    test("BitsAllocated 8 on a 16-bit slice: pixel data length does not match", () => {
      assert.throws(
        () => parseDicomSeries([withSlice(1, { BitsAllocated: 8, BitsStored: 8, HighBit: 7 })[1]!]),
        (e: Error) =>
          e instanceof FormatError && /s1\.dcm: PixelData has 240 bytes, 120 expected/.test(e.message),
      );
    });
    test("per-slice consistency: Rows differ / BitsStored differ", () => {
      assert.throws(
        () => parseDicomSeries(withSlice(2, { BitsStored: 12, HighBit: 11 })),
        /s2\.dcm: BitsStored is 12, the series' first slice \(s0\.dcm\) has 16/,
      );
    });
    test("truncated pixel data", () => {
      const f = files(base());
      const cut = { name: "s1.dcm", bytes: f[1]!.bytes.slice(0, f[1]!.bytes.length - 50) };
      assert.throws(
        () => parseDicomSeries([f[0]!, cut, f[2]!]),
        (e: Error) => e instanceof FormatError && /^s1\.dcm: /.test(e.message) && /truncated/.test(e.message),
      );
    });
    test("an empty file in a series folder is an error, not dropped", () => {
      const dir = mkdtempSync(join(tmpdir(), "rg-dcm-empty-"));
      files(base()).forEach((f, i) => {
        writeFileSync(join(dir, `IM${i}.dcm`), f.bytes);
      });
      writeFileSync(join(dir, "IM3.dcm"), "");
      assert.throws(() => readImage(dir), /IM3\.dcm: file is empty/);
    });
    test("a single .dcm file reads as an image", () => {
      const dir = mkdtempSync(join(tmpdir(), "rg-dcm-one-"));
      const p = join(dir, "one.dcm");
      writeFileSync(p, files(base())[0]!.bytes);
      const v = readImage(p);
      assert.deepEqual(v.size, [10, 12, 1]);
      assert.equal(v.spacing[2], 2); // SliceThickness
    });
    test("non-image objects are named", () => {
      const sr = {
        SOPClassUID: "1.2.840.10008.5.1.4.1.1.88.22",
        SOPInstanceUID: uid(),
        Modality: "SR",
        SeriesInstanceUID: uid(),
        StudyInstanceUID: "2.25.1",
      };
      assert.throws(
        () => parseDicomSeries([{ name: "report.dcm", bytes: writeDicom(sr) }]),
        (e: Error) =>
          e instanceof InputError &&
          /report\.dcm: this DICOM object is an SR \(Enhanced Structured Report\), not an image/.test(
            e.message,
          ),
      );
    });
  });
});
