/**
 * Browser entry point: everything that runs without Node.js (parsers, Volume, extraction, statistics,
 * analysis workflows). File access, worker pools and the CLI are Node-only and live in the main entry.
 * test/browser.test.ts checks that nothing reachable from here imports a `node:` module.
 */
export * from "./errors.js";
export * from "./image/volume.js";
export * from "./image/geometry.js";
export * from "./image/discretise.js";
export { resampleNearest } from "./image/resample.js";
export * from "./image/interpolate.js";
export { checkFinite, detectFormat, formatFromName, type ImageFormat, parseImage } from "./io/parse.js";
export { encodeNifti, parseNifti } from "./io/nifti.js";
export { encodeNrrd, parseNrrd } from "./io/nrrd.js";
export { encodeMetaImage, parseMetaImage } from "./io/metaimage.js";
export { parseDicomSeries, useDcmjs } from "./io/dicom.js";
export { countNonFinite, gunzip, gzip } from "./io/common.js";
export { extractFeatures, type LabelResult } from "./extract/pipeline.js";
export {
  DEFAULT_SETTINGS,
  type ExtractionParams,
  resolveParams,
  unsupportedSettings,
} from "./extract/params.js";
export { parseParams } from "./extract/paramFile.js";
export { FEATURE_CLASSES, FEATURE_CLASS_NAMES } from "./extract/featureNames.js";
export { formatCsv as formatFeatureCsv, formatJsonRows as formatFeatureJson } from "./extract/output.js";
export { IBSI_CONFIGS, ibsiDiagnostics, ibsiFeatures } from "./extract/ibsi.js";
export { generateCohort } from "./demo/cohort.js";
export { analyseCohort } from "./demo/analysis.js";
export { Random } from "./stats/random.js";
export { Table, parseCsv, formatCsv, joinTables, tableFromColumns } from "./stats/table.js";
export { sha1 } from "./util/sha1.js";
export { maskCentroid, patchVoxelWorld, samplePatch } from "./image/patch.js";
export {
  checkModelInput,
  embedVolume,
  type OrtModule,
  openModel,
  patchVolume,
  preparePatch,
} from "./deep/embed.js";
export { readModelSignature } from "./deep/onnxModel.js";
export { PRESETS } from "./deep/presets.js";
export { type EmbedSettings, resolveEmbedSettings } from "./deep/settings.js";
export { applyPca, parsePcaModel, type PcaModel } from "./deep/pca.js";
export { VERSION } from "./version.js";
export * as features from "./features/index.js";
export * as stats from "./stats/index.js";
export * as analysis from "./analysis/index.js";
