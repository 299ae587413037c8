/**
 * FreeSurfer colour lookup tables (FreeSurferColorLUT.txt format): one structure per line,
 * `index name R G B A`, `#` comments and blank lines ignored. Used to name the labels of a FreeSurfer
 * segmentation (aseg, aparc+aseg) by structure, e.g. 17 -> Left-Hippocampus.
 */
import { FormatError } from "../errors.js";

export interface LutEntry {
  name: string;
  rgba: [number, number, number, number];
}

export function parseFreeSurferLut(text: string, source?: string): Map<number, LutEntry> {
  const lut = new Map<number, LutEntry>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const parts = line.split(/\s+/);
    const index = Number(parts[0]);
    const rgba = parts.slice(2, 6).map(Number);
    if (parts.length < 5 || !Number.isInteger(index) || index < 0 || rgba.some((v) => !Number.isFinite(v)))
      throw new FormatError(`line ${i + 1} is not "index name R G B A": "${lines[i]!.trim()}"`, source);
    if (lut.has(index)) throw new FormatError(`line ${i + 1}: label ${index} is defined twice`, source);
    lut.set(index, { name: parts[1]!, rgba: [rgba[0]!, rgba[1]!, rgba[2]!, rgba[3] ?? 0] });
  }
  if (lut.size === 0) throw new FormatError("the lookup table has no entries", source);
  return lut;
}
