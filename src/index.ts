/** radiogenomics library API. */
export * from "./errors.js";
export * from "./image/volume.js";
export * from "./image/geometry.js";
