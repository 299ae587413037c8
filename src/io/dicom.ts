/** DICOM reading: see src/io/dicom/ (kept as the import path of the former single-file reader). */
export * from "./dicom/index.js";
