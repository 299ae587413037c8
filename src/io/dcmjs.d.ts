/** Minimal typings for the parts of dcmjs (0.51, no bundled types) that radiogenomics uses. */
declare module "dcmjs" {
  interface DicomElement {
    vr: string;
    Value?: unknown[];
    InlineBinary?: string;
  }
  type DicomDict = Record<string, DicomElement>;
  interface DicomFile {
    meta: DicomDict;
    dict: DicomDict;
  }
  interface ReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
  }
  interface Logger {
    getLevel(): number;
    setLevel(level: number | string, persist?: boolean): void;
  }
  const dcmjs: {
    log: Logger & { getLogger(name: string): Logger };
    data: {
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: ReadOptions): DicomFile;
      };
      DicomMetaDictionary: {
        naturalizeDataset(dict: DicomDict): Record<string, unknown>;
      };
    };
  };
  export default dcmjs;
}
