/**
 * Medical image I/O: NIfTI-1/2, NRRD and MetaImage readers/writers returning `Volume`s with ITK's LPS
 * geometry. The parse/encode functions are browser-safe; readImage/writeImage are the Node edge.
 */

export {
  adler32,
  countNonFinite,
  crc32,
  decodeVoxels,
  encodeVoxels,
  gunzip,
  gzip,
  isGzip,
  unzlib,
  type DataFileLoader,
  type Gunzipper,
  type Unzlibber,
} from "./common.js";
export {
  chooseNiftiAffine,
  encodeNifti,
  isNifti,
  niftiGeometry,
  niftiImageFileFor,
  parseNifti,
  parseNiftiHeader,
  quaternToAffine,
  rotationToQuatern,
  NIFTI_TYPE,
  type NiftiHeader,
  type NiftiReadOptions,
  type NiftiWriteOptions,
} from "./nifti.js";
export {
  encodeNrrd,
  encodeNrrdParts,
  isNrrd,
  nrrdTypeToDataType,
  parseNrrd,
  parseNrrdHeader,
  type NrrdHeader,
  type NrrdReadOptions,
  type NrrdWriteOptions,
} from "./nrrd.js";
export {
  encodeMetaImage,
  encodeMetaImageParts,
  isMetaImageHeader,
  parseMetaImage,
  parseMetaImageHeader,
  type MetaImageHeader,
  type MetaImageReadOptions,
  type MetaImageWriteOptions,
} from "./metaimage.js";
export {
  isDicom,
  parseDicomSeries,
  useDcmjs,
  type DicomFileInput,
  type DicomSeriesOptions,
} from "./dicom.js";
export {
  detectFormat,
  formatFromName,
  parseImage,
  nodeGunzip,
  nodeUnzlib,
  readDicomSeries,
  readImage,
  readImageAsync,
  type ImageFormat,
  type ReadImageOptions,
} from "./read.js";
export { encodeImageFiles, writeImage, writeImageAsync, type WriteImageOptions } from "./write.js";
