/**
 * The `radiogenomics` command line. Each command lives in its own file and exports `register(program)`.
 */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { EXIT_USER, io, reportError } from "./util.js";

type Registrar = (program: Command) => void;

export async function buildProgram(): Promise<Command> {
  const program = new Command();
  program
    .name("radiogenomics")
    .description(
      "IBSI-compliant radiomics from medical images, linked to genomic, molecular and clinical data.\n" +
        "Run `radiogenomics demo` for a complete example on a built-in synthetic cohort.",
    )
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (str) => io.out(str),
      writeErr: (str) => io.err(str),
      outputError: (str) => io.err(`radiogenomics: ${str}`),
    })
    .exitOverride();
  const modules: Array<{ register: Registrar }> = await Promise.all([
    import("./info.js"),
    import("./convert.js"),
    import("./demo.js"),
    import("./extract.js"),
    import("./batch.js"),
    import("./harmonize.js"),
    import("./associate.js"),
    import("./survival.js"),
    import("./model.js"),
    import("./predict.js"),
    import("./cluster.js"),
  ]);
  for (const m of modules) m.register(program);
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({
      writeOut: (str) => io.out(str),
      writeErr: (str) => io.err(str),
      outputError: (str) => io.err(`radiogenomics: ${str}`),
    });
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let program: Command;
  try {
    program = await buildProgram();
  } catch (e) {
    return reportError(e);
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === "string" && ce.code.startsWith("commander.")) {
      // help/version exit 0; usage errors (already printed by commander) exit 1
      return ce.code === "commander.helpDisplayed" ||
        ce.code === "commander.version" ||
        ce.code === "commander.help"
        ? 0
        : EXIT_USER;
    }
    return reportError(e);
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}
