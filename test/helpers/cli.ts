/** Run the CLI in process, capturing stdout, stderr and the exit code (through src/cli/util.ts `io`). */
import { main } from "../../src/cli/main.js";
import { io } from "../../src/cli/util.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...io };
  const prevExit = process.exitCode;
  process.exitCode = undefined;
  io.out = (s) => {
    out.push(s);
  };
  io.err = (s) => {
    err.push(s);
  };
  let code: number;
  try {
    code = await main(["node", "radiogenomics", ...args]);
  } finally {
    io.out = saved.out;
    io.err = saved.err;
    process.exitCode = prevExit;
  }
  return { code, stdout: out.join(""), stderr: err.join("") };
}
