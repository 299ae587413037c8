/** Minimal typings for the untyped codec packages used by the DICOM reader. */
declare module "jpeg-lossless-decoder-js" {
  export class Decoder {
    decode(
      buffer: ArrayBuffer,
      offset?: number,
      length?: number,
      numBytes?: number,
    ): Uint8Array | Uint16Array;
    frame: { dimX: number; dimY: number; numComp: number; precision: number };
  }
}
