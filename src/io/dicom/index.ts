/** DICOM: series -> Volume(s), codecs, PET SUV, RTSTRUCT -> mask. Browser-safe parsing core. */
export {
  type Dataset,
  type DicomFileInput,
  isDicom,
  nonImageKind,
  parseDicomFile,
  useDcmjs,
} from "./dataset.js";
export {
  type FrameDecoder,
  type FrameInfo,
  TS,
  decodeRle,
  registerDicomDecoder,
  setDicomCodecLoader,
  supportedTransferSyntaxes,
} from "./pixels.js";
export {
  type DicomSeriesInfo,
  type DicomSeriesOptions,
  type DicomVolumeResult,
  type PhaseInfo,
  listDicomSeries,
  parseDicomPhases,
  parseDicomSeries,
  parseDicomSeriesDetailed,
  seriesReferences,
} from "./series.js";
export { type SuvMode, suvFactor } from "./suv.js";
export {
  type MaskResult,
  type ReferenceImage,
  type RtStruct,
  isRtStruct,
  parseRtStruct,
  rasteriseRtStruct,
  selectRois,
} from "./rtstruct.js";
