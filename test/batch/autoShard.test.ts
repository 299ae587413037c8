import assert from "node:assert/strict";
import { test } from "node:test";
import { autoShard } from "../../src/batch/run.js";

test("--shard auto reads SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX", () => {
  assert.deepEqual(autoShard("auto", { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "8" }), {
    index: 3,
    count: 8,
  });
  assert.deepEqual(autoShard("auto/8", { SLURM_ARRAY_TASK_ID: "8" }), { index: 8, count: 8 });
  assert.deepEqual(autoShard("auto/5", { JOB_COMPLETION_INDEX: "0" }), { index: 1, count: 5 });
  assert.throws(() => autoShard("auto/5", { JOB_COMPLETION_INDEX: "5" }), /--shard must look like i\/n/);
});

test("--shard auto without a scheduler variable: one clear line", () => {
  assert.throws(
    () => autoShard("auto", {}),
    /^InputError|no scheduler variable set \(SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX\)/,
  );
  assert.throws(() => autoShard("auto", { JOB_COMPLETION_INDEX: "1" }), /needs the shard count/);
});
