/**
 * The `radiogenomics` command line. Each command lives in its own file and exports `register(program)`.
 */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { EXIT_USER, io, reportError } from "./util.js";

type Registrar = (program: Command) => void;

/** Command name -> loader of the module that registers it (in help order). */
const COMMANDS: Record<string, () => Promise<{ register: Registrar }>> = {
  info: () => import("./info.js"),
  convert: () => import("./convert.js"),
  demo: () => import("./demo.js"),
  extract: () => import("./extract.js"),
  batch: () => import("./batch.js"),
  harmonize: () => import("./harmonize.js"),
  associate: () => import("./associate.js"),
  survival: () => import("./survival.js"),
  model: () => import("./model.js"),
  predict: () => import("./predict.js"),
  cluster: () => import("./cluster.js"),
  embed: () => import("./embed.js"),
  pca: () => import("./pca.js"),
};

export async function buildProgram(commandArg?: string): Promise<Command> {
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
  // Load only the command being run (start-up time matters for batch scripts calling us per case);
  // --help, --version and unknown commands load everything so that help lists every command.
  const wanted =
    commandArg === "-V" || commandArg === "--version"
      ? []
      : commandArg && commandArg in COMMANDS
        ? [commandArg]
        : Object.keys(COMMANDS);
  const modules: Array<{ register: Registrar }> = await Promise.all(wanted.map((name) => COMMANDS[name]!()));
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
    program = await buildProgram(argv[2]);
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
