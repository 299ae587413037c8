/**
 * PyRadiomics parameter files as text (YAML or JSON). Kept apart from params.ts so that the YAML parser is
 * loaded only when a parameter file is actually read.
 */
import { parse as parseYaml } from "yaml";
import { InputError } from "../errors.js";
import { type ExtractionParams, resolveParams } from "./params.js";

/** Parse a PyRadiomics parameter file's text (YAML or JSON) and validate it. */
export function parseParams(text: string, source = "parameters"): ExtractionParams {
  let obj: unknown;
  try {
    obj = parseYaml(text);
  } catch (e) {
    throw new InputError(`not valid YAML/JSON: ${(e as Error).message.split("\n")[0]}`, source);
  }
  return resolveParams(obj, source);
}
