/**
 * A minimal ONNX (protobuf) writer for tests: enough to build small models with known weights (Conv,
 * Relu, GlobalAveragePool, Flatten, ...) whose outputs can be computed by hand. Field numbers from
 * onnx.proto3 (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto).
 */

class Writer {
  bytes: number[] = [];
  varint(v: number): this {
    let x = v;
    while (x >= 0x80) {
      this.bytes.push((x % 128) | 0x80);
      x = Math.floor(x / 128);
    }
    this.bytes.push(x);
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytesField(field: number, b: Uint8Array | number[]): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.bytes.push(x);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }
  msg(field: number, w: Writer): this {
    return this.bytesField(field, w.bytes);
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    for (const x of b) this.bytes.push(x);
    return this;
  }
}

export type Attr = { name: string; ints?: number[]; int?: number; float?: number };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

export interface TensorSpec {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface ValueSpec {
  name: string;
  /** numbers = fixed, strings = symbolic; undefined = no shape at all. */
  shape?: Array<number | string>;
  elemType?: number;
}

function valueInfo(v: ValueSpec): Writer {
  const tensor = new Writer().int(1, v.elemType ?? 1);
  if (v.shape) {
    const shape = new Writer();
    for (const d of v.shape) {
      const dim = typeof d === "number" ? new Writer().int(1, d) : new Writer().str(2, d);
      shape.msg(1, dim);
    }
    tensor.msg(2, shape);
  }
  return new Writer().str(1, v.name).msg(2, new Writer().msg(1, tensor));
}

export function onnxModel(spec: {
  nodes: NodeSpec[];
  initializers: TensorSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  opset?: number;
}): Uint8Array {
  const graph = new Writer();
  for (const n of spec.nodes) {
    const node = new Writer();
    for (const i of n.inputs) node.str(1, i);
    for (const o of n.outputs) node.str(2, o);
    node.str(4, n.op);
    for (const a of n.attrs ?? []) {
      const at = new Writer().str(1, a.name);
      if (a.ints) {
        for (const v of a.ints) at.int(8, v);
        at.int(20, 7); // INTS
      } else if (a.int !== undefined)
        at.int(3, a.int).int(20, 2); // INT
      else if (a.float !== undefined) at.float(2, a.float).int(20, 1); // FLOAT
      node.msg(5, at);
    }
    graph.msg(1, node);
  }
  graph.str(2, "test-graph");
  for (const t of spec.initializers) {
    const tp = new Writer();
    for (const d of t.dims) tp.int(1, d);
    tp.int(2, 1); // FLOAT
    tp.str(8, t.name);
    tp.bytesField(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    graph.msg(5, tp);
  }
  for (const v of spec.inputs) graph.msg(11, valueInfo(v));
  for (const v of spec.outputs) graph.msg(12, valueInfo(v));
  const model = new Writer()
    .int(1, 8) // ir_version
    .str(2, "radiogenomics-tests")
    .msg(7, graph)
    .msg(8, new Writer().str(1, "").int(2, spec.opset ?? 17));
  return Uint8Array.from(model.bytes);
}

/**
 * The test embedding model: Conv3d (k output channels, kernel 3^3, no padding, with bias) -> Relu ->
 * GlobalAveragePool -> Flatten: input [1, 1, n0, n1, n2], output [1, k].
 */
export function convPoolModel(opts: {
  size: [number, number, number] | Array<number | string>;
  weights: Float32Array; // k x 1 x 3 x 3 x 3
  bias: Float32Array; // k
  channels?: number;
}): Uint8Array {
  const k = opts.bias.length;
  return onnxModel({
    nodes: [
      {
        op: "Conv",
        inputs: ["image", "W", "B"],
        outputs: ["c"],
        attrs: [{ name: "kernel_shape", ints: [3, 3, 3] }],
      },
      { op: "Relu", inputs: ["c"], outputs: ["r"] },
      { op: "GlobalAveragePool", inputs: ["r"], outputs: ["g"] },
      { op: "Flatten", inputs: ["g"], outputs: ["embedding"], attrs: [{ name: "axis", int: 1 }] },
    ],
    initializers: [
      { name: "W", dims: [k, 1, 3, 3, 3], data: opts.weights },
      { name: "B", dims: [k], data: opts.bias },
    ],
    inputs: [{ name: "image", shape: ["batch", opts.channels ?? 1, ...opts.size] }],
    outputs: [{ name: "embedding", shape: ["batch", k] }],
  });
}

/** Hand computation of convPoolModel's output for one patch (C order [n0, n1, n2]), in float64. */
export function convPoolReference(
  patch: Float32Array,
  size: [number, number, number],
  weights: Float32Array,
  bias: Float32Array,
): number[] {
  const [n0, n1, n2] = size;
  const out: number[] = [];
  for (let c = 0; c < bias.length; c++) {
    let sum = 0;
    let count = 0;
    for (let a = 0; a + 2 < n0; a++)
      for (let b = 0; b + 2 < n1; b++)
        for (let d = 0; d + 2 < n2; d++) {
          let v = bias[c]!;
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++)
              for (let l = 0; l < 3; l++)
                v +=
                  weights[c * 27 + i * 9 + j * 3 + l]! * patch[(a + i) * n1 * n2 + (b + j) * n2 + (d + l)]!;
          sum += Math.max(0, v);
          count++;
        }
    out.push(sum / count);
  }
  return out;
}
