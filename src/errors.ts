/**
 * Typed errors. Library code throws these; the CLI turns a `RadiogenomicsError` into one line on
 * stderr and exit code 1 (user error), and anything else into exit code 2 (internal error).
 * Messages name the file (or table/column) and the problem, so they can be printed as they are.
 */

export class RadiogenomicsError extends Error {
  /** Short machine-readable code, e.g. "FORMAT", "GEOMETRY". */
  readonly code: string;
  /** The file, table or object the problem is about, when there is one. */
  readonly source?: string;
  constructor(code: string, message: string, source?: string) {
    super(source ? `${source}: ${message}` : message);
    this.name = new.target.name;
    this.code = code;
    this.source = source;
  }
}

/** A file or directory that does not exist or cannot be read. */
export class FileAccessError extends RadiogenomicsError {
  constructor(message: string, source?: string) {
    super("FILE", message, source);
  }
}

/** Malformed or truncated file content, wrong magic bytes, corrupt compression. */
export class FormatError extends RadiogenomicsError {
  constructor(message: string, source?: string) {
    super("FORMAT", message, source);
  }
}

/** A valid file that uses something we do not support (datatype, encoding, dimension). */
export class UnsupportedError extends RadiogenomicsError {
  constructor(message: string, source?: string) {
    super("UNSUPPORTED", message, source);
  }
}

/**
 * A valid-looking input that exceeds a resource limit (decompressed size, bins): not corrupt, too large
 * for the limit in force. The message names the limit and the option that raises it.
 */
export class TooLargeError extends RadiogenomicsError {
  constructor(message: string, source?: string) {
    super("TOO_LARGE", message, source);
  }
}

/** Image/mask geometry problems: mismatch, bad spacing or direction, empty label. */
export class GeometryError extends RadiogenomicsError {
  constructor(message: string, source?: string) {
    super("GEOMETRY", message, source);
  }
}

/** Invalid user input: parameters, settings, options, table content. */
export class InputError extends RadiogenomicsError {
  constructor(message: string, source?: string) {
    super("INPUT", message, source);
  }
}

/** A mask or label that selects nothing, or too little to compute what was asked. */
export class EmptyRoiError extends RadiogenomicsError {
  constructor(message: string, source?: string) {
    super("EMPTY_ROI", message, source);
  }
}

/** Statistics preconditions that the data do not meet (one class only, too few samples...). */
export class DataError extends RadiogenomicsError {
  constructor(message: string, source?: string) {
    super("DATA", message, source);
  }
}

export function isRadiogenomicsError(e: unknown): e is RadiogenomicsError {
  return e instanceof RadiogenomicsError;
}

/**
 * One printable line for an error message: newlines folded, control bytes (C0, DEL, C1: what raw header
 * bytes decode to) written as \\xNN, so a corrupted header never reaches the terminal as raw bytes.
 */
export function printableMessage(s: string): string {
  return escapeControl(s.replace(/\s*\n\s*/g, " ").trim());
}

/** Control characters (C0 but tab, DEL, C1) as \\xNN. */
export function escapeControl(s: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f)) {
      out += `${s.slice(from, i)}\\x${c.toString(16).padStart(2, "0")}`;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}
