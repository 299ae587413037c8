/** Analysis workflows (what the CLI commands run), one namespace per module; browser-safe. */
export * as associate from "./associate.js";
export * as cluster from "./cluster.js";
export * as csv from "./csv.js";
export * as harmonize from "./harmonize.js";
export * as model from "./model.js";
export * as survival from "./survival.js";
