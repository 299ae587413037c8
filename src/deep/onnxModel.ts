/**
 * Reads what an ONNX model declares about its graph inputs and outputs (names, element types, shapes)
 * straight from the protobuf, so that a model is checked against the preprocessing recipe before any
 * image is read, with the same answer in Node and in the browser and whatever the ONNX Runtime version.
 *
 * Only the fields needed are decoded (onnx.proto3): ModelProto.graph (7); GraphProto.initializer (5),
 * input (11), output (12); ValueInfoProto.name (1), type (2); TypeProto.tensor_type (1);
 * TypeProto.Tensor.elem_type (1), shape (2); TensorShapeProto.dim (1); Dimension.dim_value (1),
 * dim_param (2); TensorProto.name (8).
 */
import { FormatError } from "../errors.js";

/** A dimension: a fixed size, or a symbolic name (dynamic), or null when the model leaves it unset. */
export type Dim = number | string | null;

export interface ValueInfo {
  name: string;
  /** ONNX TensorProto.DataType (1 = float32); 0 when not a tensor. */
  elemType: number;
  /** Undefined when the model declares no shape (any rank). */
  shape?: Dim[];
}

export interface ModelSignature {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly source?: string,
  ) {
    this.pos = start;
  }
  done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new FormatError("ONNX model is truncated (varint)", this.source);
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new FormatError("ONNX model has an invalid varint", this.source);
  }
  /** Returns [field, wireType]. */
  tag(): [number, number] {
    const t = this.varint();
    return [Math.floor(t / 8), t & 7];
  }
  bytes(): Reader {
    const n = this.varint();
    if (this.pos + n > this.end) throw new FormatError("ONNX model is truncated (field length)", this.source);
    const r = new Reader(this.buf, this.pos, this.pos + n, this.source);
    this.pos += n;
    return r;
  }
  string(): string {
    const r = this.bytes();
    return new TextDecoder().decode(this.buf.subarray(r.start, r.end));
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new FormatError(`ONNX model has an unsupported protobuf wire type ${wire}`, this.source);
    if (this.pos > this.end) throw new FormatError("ONNX model is truncated", this.source);
  }
}

function readDim(r: Reader): Dim {
  let d: Dim = null;
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === 0) d = r.varint();
    else if (f === 2 && w === 2) d = r.string();
    else r.skip(w);
  }
  return d;
}

function readValueInfo(r: Reader): ValueInfo {
  const v: ValueInfo = { name: "", elemType: 0 };
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === 2) v.name = r.string();
    else if (f === 2 && w === 2) {
      const t = r.bytes(); // TypeProto
      while (!t.done()) {
        const [tf, tw] = t.tag();
        if (tf === 1 && tw === 2) {
          const tt = t.bytes(); // TypeProto.Tensor
          while (!tt.done()) {
            const [f2, w2] = tt.tag();
            if (f2 === 1 && w2 === 0) v.elemType = tt.varint();
            else if (f2 === 2 && w2 === 2) {
              const s = tt.bytes(); // TensorShapeProto
              v.shape = [];
              while (!s.done()) {
                const [f3, w3] = s.tag();
                if (f3 === 1 && w3 === 2) v.shape.push(readDim(s.bytes()));
                else s.skip(w3);
              }
            } else tt.skip(w2);
          }
        } else t.skip(tw);
      }
    } else r.skip(w);
  }
  return v;
}

/** The graph's inputs (initializers excluded, as older exporters list them as inputs too) and outputs. */
export function readModelSignature(bytes: Uint8Array, source?: string): ModelSignature {
  const top = new Reader(bytes, 0, bytes.length, source);
  let graph: Reader | undefined;
  while (!top.done()) {
    const [f, w] = top.tag();
    if (f === 7 && w === 2) graph = top.bytes();
    else top.skip(w);
  }
  if (!graph) throw new FormatError("not an ONNX model (no graph found)", source);
  const inputs: ValueInfo[] = [];
  const outputs: ValueInfo[] = [];
  const initializers = new Set<string>();
  while (!graph.done()) {
    const [f, w] = graph.tag();
    if (f === 11 && w === 2) inputs.push(readValueInfo(graph.bytes()));
    else if (f === 12 && w === 2) outputs.push(readValueInfo(graph.bytes()));
    else if (f === 5 && w === 2) {
      const t = graph.bytes();
      while (!t.done()) {
        const [tf, tw] = t.tag();
        if (tf === 8 && tw === 2) initializers.add(t.string());
        else t.skip(tw);
      }
    } else graph.skip(w);
  }
  if (inputs.length === 0 || outputs.length === 0)
    throw new FormatError("not an ONNX model (the graph declares no inputs or outputs)", source);
  return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
}

/** "[1, 1, 50, 50, 50]" with symbolic dimensions by name. */
export function formatShape(shape: readonly Dim[] | undefined): string {
  if (!shape) return "[unspecified]";
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}
