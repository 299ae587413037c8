/**
 * radiogenomics library API.
 *
 * Top level: errors, the Volume model, image I/O, feature extraction (PyRadiomics-compatible and IBSI
 * modes). Statistics and feature families are grouped in namespaces: `stats.<module>.<function>` and
 * `features.<family>.<function>`, e.g. `stats.combat.combatFit`, `features.glcm.glcmMatrices`.
 */
export * from "./errors.js";
export * from "./image/volume.js";
export * from "./image/geometry.js";
export * from "./image/discretise.js";
export { resampleNearest } from "./image/resample.js";
export * from "./image/interpolate.js";
export * from "./io/index.js";
export { readTableFile, writeTableFile } from "./io/table-file.js";
export {
  type DiagnosticValue,
  type ExtractOptions,
  type LabelResult,
  extractFeatures,
  normalizeImage,
  resegment,
} from "./extract/pipeline.js";
export {
  DEFAULT_SETTINGS,
  type EnabledFeatures,
  type ExtractionParams,
  type ExtractionSettings,
  resolveParams,
  unsupportedSettings,
} from "./extract/params.js";
export { parseParams } from "./extract/paramFile.js";
export { FEATURE_CLASSES, FEATURE_CLASS_NAMES, IMAGE_TYPES } from "./extract/featureNames.js";
export {
  type ResultRow,
  formatCsv as formatFeatureCsv,
  formatJsonRows as formatFeatureJson,
} from "./extract/output.js";
export { IBSI_CONFIGS, type IbsiConfig, ibsiDiagnostics, ibsiFeatures } from "./extract/ibsi.js";
export { type BatchCase, type BatchOptions, type BatchResult, parseShard, runBatch } from "./batch/run.js";
export { manifestCases } from "./batch/manifest.js";
export { generateCohort, type SyntheticPatient } from "./demo/cohort.js";
export { Random } from "./stats/random.js";
export { Table, parseCsv, formatCsv, joinTables, tableFromColumns } from "./stats/table.js";
export { VERSION } from "./version.js";
export { maskCentroid, patchVoxelWorld, samplePatch } from "./image/patch.js";
export {
  checkModelInput,
  embedVolume,
  type OrtModule,
  openModel,
  patchVolume,
  preparePatch,
} from "./deep/embed.js";
export { embedCase, loadModel } from "./deep/node.js";
export { readModelSignature } from "./deep/onnxModel.js";
export { PRESETS } from "./deep/presets.js";
export { type EmbedSettings, resolveEmbedSettings } from "./deep/settings.js";
export { applyPca, parsePcaModel, type PcaModel } from "./deep/pca.js";
export { fitPca } from "./deep/pcaFit.js";

export * as features from "./features/index.js";
export * as stats from "./stats/index.js";
export * as analysis from "./analysis/index.js";
