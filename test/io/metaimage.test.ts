import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { deflateSync } from "node:zlib";
import { gzipSync } from "fflate";
import { FormatError, GeometryError, UnsupportedError } from "../../src/errors.js";
import { DATA_TYPES, type DataType, type Mat3, type Vec3, Volume, allocate } from "../../src/image/volume.js";
import { encodeMetaImage, parseMetaImage } from "../../src/io/metaimage.js";
import { concatBytes } from "../../src/io/common.js";
import { readImage } from "../../src/io/read.js";
import { writeImage } from "../../src/io/write.js";

const enc = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => concatBytes(parts);
const bytesOf = (a: ArrayBufferView) =>
  new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

describe("MetaImage: reading", () => {
  const data = Int16Array.from({ length: 24 }, (_, i) => 1000 - i * 77);
  const le = bytesOf(data);
  const be = new Uint8Array(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }

  test("header fields: TransformMatrix rows are the axis directions (ITK), Offset/Origin/Position aliases", () => {
    // axis i -> +y, axis j -> -x, axis k -> +z; the file stores one axis direction per row
    for (const originKey of ["Offset", "Origin", "Position"]) {
      for (const matKey of ["TransformMatrix", "Rotation", "Orientation"]) {
        const hdr = [
          "ObjectType = Image",
          "NDims = 3",
          "BinaryData = True",
          "BinaryDataByteOrderMSB = False",
          "CompressedData = False",
          `${matKey} = 0 1 0 -1 0 0 0 0 1`,
          `${originKey} = 1.5 -2 3`,
          "AnatomicalOrientation = RAI",
          "ElementSpacing = 0.5 0.25 2",
          "DimSize = 2 3 4",
          "ElementType = MET_SHORT",
          "ElementDataFile = LOCAL",
        ].join("\n");
        const v = parseMetaImage(cat(enc(`${hdr}\n`), le));
        assert.deepEqual(v.size, [2, 3, 4]);
        assert.deepEqual(v.spacing, [0.5, 0.25, 2]);
        assert.deepEqual(v.origin, [1.5, -2, 3]);
        assert.deepEqual(v.direction, [0, -1, 0, 1, 0, 0, 0, 0, 1]);
        assert.deepEqual(v.indexToWorld([1, 0, 0]), [1.5, -1.5, 3]); // moves along +y
        assert.deepEqual(Array.from(v.data), Array.from(data));
      }
    }
  });

  test("ElementTypes, byte order, CRLF lines, compression (zlib and gzip), 2D", () => {
    const types: [string, DataType][] = [
      ["MET_CHAR", "int8"],
      ["MET_UCHAR", "uint8"],
      ["MET_SHORT", "int16"],
      ["MET_USHORT", "uint16"],
      ["MET_INT", "int32"],
      ["MET_UINT", "uint32"],
      ["MET_LONG", "int32"],
      ["MET_ULONG", "uint32"],
      ["MET_FLOAT", "float32"],
      ["MET_DOUBLE", "float64"],
    ];
    for (const [met, type] of types) {
      const v = parseMetaImage(
        enc(
          `NDims = 3\nDimSize = 1 1 1\nElementType = ${met}\nElementDataFile = LOCAL\n${"\0".repeat(8).slice(0, allocate(type, 1).BYTES_PER_ELEMENT)}`,
        ),
      );
      assert.equal(v.dataType, type, met);
    }
    const h = (extra: string[]) =>
      enc(
        `ObjectType = Image\r\nNDims = 3\r\nDimSize = 2 3 4\r\nElementType = MET_SHORT\r\n${extra.join("\r\n")}\r\nElementDataFile = LOCAL\r\n`,
      );
    const variants: [string, Uint8Array][] = [
      ["MSB", cat(h(["BinaryDataByteOrderMSB = True"]), be)],
      ["ElementByteOrderMSB", cat(h(["ElementByteOrderMSB = True"]), be)],
      ["zlib", cat(h(["CompressedData = True"]), new Uint8Array(deflateSync(le)))],
      ["gzip", cat(h(["CompressedData = True"]), gzipSync(le))],
      [
        "zlib MSB",
        cat(h(["CompressedData = True", "BinaryDataByteOrderMSB = True"]), new Uint8Array(deflateSync(be))),
      ],
    ];
    for (const [name, bytes] of variants) {
      assert.deepEqual(Array.from(parseMetaImage(bytes, { source: name }).data), Array.from(data), name);
    }
    const two = parseMetaImage(
      cat(
        enc(
          "ObjectType = Image\nNDims = 2\nDimSize = 4 6\nElementSpacing = 0.5 0.25\nOffset = 10 20\nTransformMatrix = 0 1 1 0\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n",
        ),
        new Uint8Array(24),
      ),
    );
    assert.deepEqual(two.size, [4, 6, 1]);
    assert.deepEqual(two.spacing, [0.5, 0.25, 1]);
    assert.deepEqual(two.origin, [10, 20, 0]);
    assert.deepEqual(two.direction, [0, 1, 0, 1, 0, 0, 0, 0, 1]);
  });

  test(".mhd with a .raw / .zraw data file, HeaderSize", () => {
    const dir = mkdtempSync(join(tmpdir(), "rg-mhd-"));
    writeFileSync(
      join(dir, "a.mhd"),
      "ObjectType = Image\nNDims = 3\nDimSize = 2 3 4\nElementType = MET_SHORT\nHeaderSize = 5\nElementDataFile = a.raw\n",
    );
    writeFileSync(join(dir, "a.raw"), cat(new Uint8Array(5), le));
    assert.deepEqual(Array.from(readImage(join(dir, "a.mhd")).data), Array.from(data));
    writeFileSync(
      join(dir, "b.mhd"),
      "NDims = 3\nDimSize = 2 3 4\nElementType = MET_SHORT\nHeaderSize = -1\nElementDataFile = b.raw\n",
    );
    writeFileSync(join(dir, "b.raw"), cat(new Uint8Array(77), le));
    assert.deepEqual(Array.from(readImage(join(dir, "b.mhd")).data), Array.from(data));
    writeFileSync(
      join(dir, "c.mhd"),
      "NDims = 3\nDimSize = 2 3 4\nElementType = MET_SHORT\nCompressedData = True\nElementDataFile = c.zraw\n",
    );
    writeFileSync(join(dir, "c.zraw"), deflateSync(le));
    assert.deepEqual(Array.from(readImage(join(dir, "c.mhd")).data), Array.from(data));
  });
});

describe("MetaImage: round trip", () => {
  test("every datatype, compressed or not, .mha and .mhd, rotated and 2D", () => {
    const c = Math.cos(1.1);
    const s = Math.sin(1.1);
    const dirs: Mat3[] = [
      [c, 0, s, 0, 1, 0, -s, 0, c],
      [0, 0, -1, 1, 0, 0, 0, -1, 0],
    ];
    const tmp = mkdtempSync(join(tmpdir(), "rg-mha-"));
    for (const type of DATA_TYPES) {
      for (const compress of [false, true]) {
        for (const [size, direction] of [
          [[3, 4, 2], dirs[0]],
          [[5, 3, 1], dirs[1]],
        ] as [Vec3, Mat3][]) {
          const n = size[0] * size[1] * size[2];
          const data = allocate(type, n);
          for (let i = 0; i < n; i++)
            data[i] = type.startsWith("float") ? Math.fround(i * 0.37 - 2) : (i * 7) % 120;
          const vol = new Volume(data, {
            size,
            spacing: [0.3, 1 / 7, 5],
            origin: [-1e3 / 3, 0.1, 42],
            direction,
          });
          const back = parseMetaImage(encodeMetaImage(vol, { compress }));
          assert.deepEqual(back.geometry, vol.geometry, `${type} ${compress}`);
          assert.equal(back.dataType, type);
          assert.deepEqual(Array.from(back.data), Array.from(data));
          const p = join(tmp, `v_${type}_${compress}_${size[2]}.mhd`);
          writeImage(p, vol, { compress });
          const back2 = readImage(p);
          assert.deepEqual(back2.geometry, vol.geometry);
          assert.deepEqual(Array.from(back2.data), Array.from(data));
        }
      }
    }
  });
});

describe("MetaImage: bad input", () => {
  const expect = (bytes: Uint8Array, cls: new (...a: never[]) => Error, re: RegExp) =>
    assert.throws(
      () => parseMetaImage(bytes, { source: "bad.mha" }),
      (e: Error) => {
        assert.ok(e instanceof cls, `expected ${cls.name}, got ${e.name}: ${e.message}`);
        assert.match(e.message, /^bad\.mha: /);
        assert.match(e.message, re);
        return true;
      },
    );
  const hdr = (lines: string[]) => enc(`ObjectType = Image\nNDims = 3\n${lines.join("\n")}\n`);
  test("truncated header / data", () => {
    expect(hdr(["DimSize = 2 2 2", "ElementType = MET_SHORT"]), FormatError, /no ElementDataFile/);
    expect(
      cat(hdr(["DimSize = 2 2 2", "ElementType = MET_SHORT", "ElementDataFile = LOCAL"]), new Uint8Array(10)),
      FormatError,
      /truncated.*16 bytes needed.*10 available/,
    );
  });
  test("data longer than DimSize", () =>
    expect(
      cat(hdr(["DimSize = 2 2 2", "ElementType = MET_UCHAR", "ElementDataFile = LOCAL"]), new Uint8Array(10)),
      FormatError,
      /does not match DimSize/,
    ));
  test("corrupt compressed data", () => {
    const z = new Uint8Array(deflateSync(new Uint8Array(1000).fill(3)));
    expect(
      cat(
        hdr([
          "DimSize = 10 10 10",
          "ElementType = MET_UCHAR",
          "CompressedData = True",
          "ElementDataFile = LOCAL",
        ]),
        z.subarray(0, 5),
      ),
      FormatError,
      /corrupt or truncated/,
    );
    const g = gzipSync(new Uint8Array(1000).fill(3));
    g[g.length - 5] ^= 1;
    expect(
      cat(
        hdr([
          "DimSize = 10 10 10",
          "ElementType = MET_UCHAR",
          "CompressedData = True",
          "ElementDataFile = LOCAL",
        ]),
        g,
      ),
      FormatError,
      /corrupt or truncated/,
    );
  });
  test("unsupported content", () => {
    expect(
      cat(
        hdr(["DimSize = 2 2 2", "ElementType = MET_LONG_LONG", "ElementDataFile = LOCAL"]),
        new Uint8Array(64),
      ),
      UnsupportedError,
      /MET_LONG_LONG/,
    );
    expect(
      cat(
        hdr([
          "DimSize = 2 2 2",
          "ElementType = MET_UCHAR_ARRAY",
          "ElementNumberOfChannels = 3",
          "ElementDataFile = LOCAL",
        ]),
        new Uint8Array(24),
      ),
      UnsupportedError,
      /3 channels/,
    );
    expect(enc("ObjectType = Mesh\nNDims = 3\nElementDataFile = LOCAL\n"), UnsupportedError, /Mesh/);
    expect(
      cat(hdr(["DimSize = 2 2 2", "ElementType = MET_FOO", "ElementDataFile = LOCAL"]), new Uint8Array(8)),
      FormatError,
      /MET_FOO/,
    );
  });
  test("bad geometry", () => {
    expect(
      cat(
        hdr([
          "DimSize = 2 2 2",
          "ElementSpacing = 1 0 1",
          "ElementType = MET_UCHAR",
          "ElementDataFile = LOCAL",
        ]),
        new Uint8Array(8),
      ),
      GeometryError,
      /spacing along axis 1 is 0/,
    );
    expect(
      cat(
        hdr([
          "DimSize = 2 2 2",
          "ElementSpacing = 1 nan 1",
          "ElementType = MET_UCHAR",
          "ElementDataFile = LOCAL",
        ]),
        new Uint8Array(8),
      ),
      FormatError,
      /ElementSpacing/,
    );
    expect(
      cat(
        hdr([
          "DimSize = 2 2 2",
          "TransformMatrix = 1 0 0 1 1 0 0 0 1",
          "ElementType = MET_UCHAR",
          "ElementDataFile = LOCAL",
        ]),
        new Uint8Array(8),
      ),
      GeometryError,
      /not orthonormal/,
    );
    expect(
      cat(hdr(["DimSize = 2 0 2", "ElementType = MET_UCHAR", "ElementDataFile = LOCAL"]), new Uint8Array(8)),
      FormatError,
      /DimSize/,
    );
  });
});
