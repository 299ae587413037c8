/**
 * Minimal reader for NumPy .npy files (format version 1.0/2.0, little-endian float64 or int types),
 * enough for the expected texture matrices in ../shared/data/pyradiomics/baseline. Returns the data in
 * C (row-major) order whatever the file's `fortran_order`.
 */
import { readFileSync } from "node:fs";

export interface NpyArray {
  shape: number[];
  /** Row-major (C order) values. */
  data: Float64Array;
}

export function readNpy(path: string): NpyArray {
  const buf = readFileSync(path);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 6));
  if (magic !== "\x93NUMPY") throw new Error(`${path}: not a .npy file`);
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder("latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1] === "True";
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error(`${path}: cannot parse header ${header}`);
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  const raw = new Float64Array(n);
  const kinds: Record<string, [number, (o: number) => number]> = {
    "<f8": [8, (o) => dv.getFloat64(o, true)],
    "<f4": [4, (o) => dv.getFloat32(o, true)],
    "<i8": [8, (o) => Number(dv.getBigInt64(o, true))],
    "<i4": [4, (o) => dv.getInt32(o, true)],
    "<i2": [2, (o) => dv.getInt16(o, true)],
    "|u1": [1, (o) => dv.getUint8(o)],
  };
  const kind = kinds[descr];
  if (!kind) throw new Error(`${path}: unsupported dtype ${descr}`);
  const [width, get] = kind;
  for (let t = 0; t < n; t++) raw[t] = get(off + t * width);
  if (!fortran || shape.length < 2) return { shape, data: raw };
  // Fortran order: first index fastest. Re-order to C order.
  const data = new Float64Array(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let t = 0; t < n; t++) {
    // t enumerates Fortran order; compute C offset
    let c = 0;
    for (let d = 0; d < nd; d++) c = c * shape[d]! + idx[d]!;
    data[c] = raw[t]!;
    for (let d = 0; d < nd; d++) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { shape, data };
}
