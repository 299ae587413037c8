import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { DataError, FileAccessError, FormatError, InputError } from "../../../src/errors.js";
import { readTableFile, writeTableFile } from "../../../src/io/table-file.js";
import { Random } from "../../../src/stats/core/random.js";
import {
  binaryVariable,
  completeRows,
  dropMissingRows,
  factor,
  formatCsv,
  formatParquet,
  guessIdColumn,
  imputeApply,
  imputeFit,
  joinTables,
  parseCsv,
  parseParquet,
  readTableBytes,
  sniffDelimiter,
  survivalVariable,
  Table,
  tableFromColumns,
  tableIds,
  variableType,
} from "../../../src/stats/tables/table.js";
import { dataPath, skipUnlessData } from "../../helpers/data.js";

const tmp = mkdtempSync(join(tmpdir(), "rg-table-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("CSV parsing", () => {
  test("RFC 4180 quoting, BOM, CRLF, blank lines, typing and NA tokens", () => {
    const text =
      '\ufeffcase_id,"note, with comma",x,y\r\n' +
      '001,"she said ""hi""",1.5,NA\r\n' +
      '002,"two\r\nlines",-2e-3,7\r\n' +
      "\r\n" +
      "003,plain,,inf\r\n";
    const t = parseCsv(text, { name: "f.csv", textColumns: ["case_id"] });
    assert.deepEqual(t.names, ["case_id", "note, with comma", "x", "y"]);
    assert.equal(t.nRows, 3);
    assert.deepEqual(t.text("case_id"), ["001", "002", "003"]);
    assert.deepEqual(t.text("note, with comma"), ['she said "hi"', "two\r\nlines", "plain"]);
    const x = t.numeric("x");
    assert.equal(x[0], 1.5);
    assert.equal(x[1], -0.002);
    assert.ok(Number.isNaN(x[2]));
    const y = t.numeric("y");
    assert.ok(Number.isNaN(y[0]));
    assert.equal(y[2], Number.POSITIVE_INFINITY);
    assert.equal(t.column("x").kind, "numeric");
    // without textColumns, "001" is a number
    assert.equal(parseCsv(text).column("case_id").kind, "numeric");
  });

  test("delimiter: extension and sniffing", () => {
    assert.equal(sniffDelimiter("a\tb\tc\n1\t2\t3", "x.tsv"), "\t");
    assert.equal(sniffDelimiter("a;b;c\n", "x.csv"), ";");
    assert.equal(sniffDelimiter('"a,b"\tc\td\n'), "\t");
    const t = parseCsv("id\tv\nA\t1\nB\t2\n", { name: "labels.tsv" });
    assert.deepEqual(t.text("id"), ["A", "B"]);
    assert.deepEqual(Array.from(t.numeric("v")), [1, 2]);
  });

  test("clear errors: ragged rows, unterminated quote, empty file, non-numeric value, missing column", () => {
    assert.throws(
      () => parseCsv("a,b\n1,2,3\n", { name: "bad.csv" }),
      (e: Error) => {
        assert.ok(e instanceof FormatError);
        assert.match(e.message, /^bad\.csv: line 2: 3 fields, but the header has 2$/);
        return true;
      },
    );
    assert.throws(
      () => parseCsv('a,b\n1,"2\n', { name: "q.csv" }),
      /q\.csv: line 2: unterminated quoted field/,
    );
    assert.throws(() => parseCsv("", { name: "e.csv" }), /e\.csv: empty file/);
    const t = parseCsv("id,f1\nA,1\nB,x7\nC,3\n", { name: "features.csv" });
    assert.throws(
      () => t.numeric("f1"),
      (e: Error) => {
        assert.ok(e instanceof InputError);
        assert.equal(
          e.message,
          'features.csv: column "f1", row 2: non-numeric value "x7" in a numeric column',
        );
        return true;
      },
    );
    assert.throws(
      () => t.column("IDH", "target column"),
      /features\.csv: target column "IDH" not found \(columns: "id", "f1"\)/,
    );
    assert.throws(
      () =>
        new Table([
          { kind: "numeric", name: "a", values: new Float64Array(1) },
          { kind: "numeric", name: "a", values: new Float64Array(1) },
        ]),
      /duplicate column name "a"/,
    );
  });

  test("formatCsv round-trips every double exactly (shortest repr) and quotes where needed", () => {
    const rng = new Random(7);
    const n = 500;
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = (rng.next() - 0.5) * 10 ** (rng.int(600) - 300);
    v[0] = 0.1 + 0.2;
    v[1] = Number.NaN;
    v[2] = -Number.MAX_VALUE;
    v[3] = Number.MIN_VALUE;
    v[4] = Number.NEGATIVE_INFINITY;
    const names = Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? `a,"b" ${i}` : i % 3 === 1 ? ` lead${i}` : `p${i}`,
    );
    names[5] = null as unknown as string;
    const t = tableFromColumns({ "id, quoted": names, v });
    const csv = formatCsv(t);
    assert.ok(csv.startsWith('"id, quoted",v\n"a,""b"" 0",0.30000000000000004\n'), csv.slice(0, 60));
    const back = parseCsv(csv);
    assert.deepEqual(back.text("id, quoted"), t.text("id, quoted"));
    const w = back.numeric("v");
    for (let i = 0; i < n; i++)
      assert.ok(Object.is(w[i], v[i]) || (v[i] === 0 && w[i] === 0), `row ${i}: ${v[i]} -> ${w[i]}`);
    // TSV
    assert.equal(formatCsv(tableFromColumns({ a: [1, 2] }), { delimiter: "\t" }), "a\n1\n2\n");
  });
});

describe("Parquet and files", () => {
  test("Parquet round trip (numeric with missing, text with missing)", async () => {
    const t = tableFromColumns({ id: ["A", "B", null], x: [1.25, Number.NaN, -3e-300] });
    const bytes = formatParquet(t);
    const back = await readTableBytes(bytes, { name: "t.parquet" });
    assert.deepEqual(back.names, ["id", "x"]);
    assert.deepEqual(back.text("id"), ["A", "B", null]);
    const x = back.numeric("x");
    assert.equal(x[0], 1.25);
    assert.ok(Number.isNaN(x[1]));
    assert.equal(x[2], -3e-300);
    await assert.rejects(
      parseParquet(new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3, 4, 0x50, 0x41, 0x52, 0x31]), {
        name: "bad.parquet",
      }),
      FormatError,
    );
  });

  test("readTableFile / writeTableFile: csv, tsv, gzip, parquet; missing file", async () => {
    const t = tableFromColumns({ case_id: ["p1", "p2"], f: [0.5, 2] });
    for (const ext of ["csv", "tsv", "parquet"]) {
      const p = join(tmp, `out/t.${ext}`);
      writeTableFile(p, t);
      const back = await readTableFile(p, { textColumns: ["case_id"] });
      assert.deepEqual(back.text("case_id"), ["p1", "p2"], ext);
      assert.deepEqual(Array.from(back.numeric("f")), [0.5, 2], ext);
    }
    const gz = join(tmp, "t.csv.gz");
    writeFileSync(gz, gzipSync(Buffer.from("a\tb\n1\t2\n")));
    const g = await readTableFile(gz);
    assert.deepEqual(g.names, ["a", "b"]);
    await assert.rejects(
      readTableFile(join(tmp, "nope.csv")),
      (e: Error) => e instanceof FileAccessError && /nope\.csv: no such file/.test(e.message),
    );
  });

  test("reads the Breast Cancer Wisconsin reference CSV", {
    skip: skipUnlessData("reference", "classification", "breast_cancer_wisconsin.csv"),
  }, async () => {
    const t = await readTableFile(dataPath("reference", "classification", "breast_cancer_wisconsin.csv")!);
    assert.equal(t.nRows, 569);
    assert.equal(t.nColumns, 32);
    assert.equal(t.numeric("mean radius")[0], 17.99);
    assert.equal(variableType(t, "malignant"), "binary");
    assert.equal(variableType(t, "mean radius"), "continuous");
  });
});

describe("ids, joins, variables, missing values", () => {
  test("ids: guess, missing id column, duplicates, missing ids", () => {
    const t = parseCsv("PatientID,x\nA,1\nB,2\nA,3\n", { name: "f.csv" });
    assert.equal(guessIdColumn(t), "PatientID");
    assert.equal(guessIdColumn(tableFromColumns({ a: [1], b: [2] })), undefined);
    assert.throws(
      () => tableIds(t, "PatientID"),
      /f\.csv: id column "PatientID": duplicate id "A" \(rows 1 and 3\)/,
    );
    assert.throws(() => tableIds(t, "case_id"), /f\.csv: id column "case_id" not found/);
    const m = parseCsv("id,x\nA,1\n,2\n", { name: "m.csv" });
    assert.throws(() => tableIds(m, "id"), /m\.csv: id column "id", row 2: missing id/);
  });

  test("joinTables: inner join in a's order, unmatched on both sides, renamed columns", () => {
    const a = parseCsv("case_id,f1,age\nP1,1,50\nP2,2,60\nP3,3,70\n", { name: "features.csv" });
    const b = parseCsv("case_id,IDH,age\nP3,mut,71\nP1,wt,51\nP9,wt,40\n", { name: "labels.csv" });
    const j = joinTables(a, b, "case_id");
    assert.deepEqual(j.table.names, ["case_id", "f1", "age", "IDH", "age_2"]);
    assert.deepEqual(j.table.text("case_id"), ["P1", "P3"]);
    assert.deepEqual(j.table.text("IDH"), ["wt", "mut"]);
    assert.deepEqual(Array.from(j.table.numeric("age_2")), [51, 71]);
    assert.deepEqual(j.unmatchedA, ["P2"]);
    assert.deepEqual(j.unmatchedB, ["P9"]);
    assert.deepEqual(j.renamed, { age: "age_2" });
  });

  test("factor, variableType, binaryVariable, survivalVariable", () => {
    const t = parseCsv(
      "g,b,n,c,k,time,status\nx,M,1,5,3,10,dead\ny,B,0,5,1,5.5,0\nz,M,,5,2,3,alive\nx,NA,1,5,3,0,1\n",
    );
    assert.deepEqual(factor(t, "g"), { levels: ["x", "y", "z"], codes: Int32Array.from([0, 1, 2, 0]) });
    assert.equal(variableType(t, "g"), "categorical");
    assert.equal(variableType(t, "b"), "binary");
    assert.equal(variableType(t, "c"), "constant");
    assert.equal(variableType(t, "k"), "continuous");
    assert.equal(variableType(t, "k", ["k"]), "categorical");
    const b = binaryVariable(t, "b");
    assert.deepEqual(b.levels, ["B", "M"]);
    assert.deepEqual(Array.from(b.values), [1, 0, 1, Number.NaN]);
    assert.deepEqual(Array.from(binaryVariable(t, "b", "B").values), [0, 1, 0, Number.NaN]);
    assert.throws(
      () => binaryVariable(t, "g"),
      (e: Error) => e instanceof DataError && /not binary: 3 distinct values \(x, y, z\)/.test(e.message),
    );
    const s = survivalVariable(t, "time", "status");
    assert.deepEqual(Array.from(s.time), [10, 5.5, 3, 0]);
    assert.deepEqual(Array.from(s.event), [1, 0, 0, 1]);
    assert.throws(() => survivalVariable(t, "time", "g"), /column "g", row 1: event value "x" is not 0\/1/);
  });

  test("missing values: complete rows, drop, imputation fitted on train only", () => {
    const t = tableFromColumns({
      id: ["a", "b", "c", "d"],
      x: [1, Number.NaN, 3, 10],
      y: [Number.NaN, 2, 4, 6],
    });
    assert.deepEqual(Array.from(completeRows(t, ["x", "y"])), [2, 3]);
    const d = dropMissingRows(t, ["x"]);
    assert.deepEqual(d.dropped, [1]);
    assert.deepEqual(d.table.text("id"), ["a", "c", "d"]);
    const train = t.rows([0, 1, 2]);
    const mean = imputeFit(train, "mean", ["x", "y"]);
    assert.deepEqual(mean.values, [2, 3]);
    const med = imputeFit(t, "median", ["x", "y"]);
    assert.deepEqual(med.values, [3, 4]);
    const test4 = imputeApply(mean, t.rows([1, 3]));
    assert.deepEqual(Array.from(test4.numeric("x")), [2, 10]);
    assert.deepEqual(Array.from(test4.numeric("y")), [2, 6]);
    assert.ok(Number.isNaN(t.numeric("x")[1]), "input not modified");
    const arr = imputeApply(imputeFit([Float64Array.from([1, Number.NaN, 5])], "median"), [
      Float64Array.from([Number.NaN, 0]),
    ]);
    assert.deepEqual(Array.from(arr[0]), [3, 0]);
    assert.throws(
      () => imputeFit(tableFromColumns({ z: [Number.NaN, Number.NaN] })),
      /column "z" has no observed value/,
    );
  });
});
