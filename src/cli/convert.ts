/** `radiogenomics convert IN OUT`: convert between NIfTI, NRRD and MetaImage (format from OUT's extension). */
import type { Command } from "commander";
import { dicomObjectKind, readRtStructMask } from "../io/dicom-node.js";
import { InputError } from "../errors.js";
import { readImageSelecting } from "../io/pair.js";
import { writeImage } from "../io/write.js";
import { action, note } from "./util.js";

export function register(program: Command): void {
  program
    .command("convert")
    .description("convert an image or mask between formats; the output format follows OUT's extension")
    .argument("<in>", "input image (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd)")
    .argument("<out>", "output image (.nii, .nii.gz, .nrrd, .mha)")
    .option("-q, --quiet", "print nothing on success")
    .option("--reference <dir>", "DICOM image series an RTSTRUCT input is rasterised onto")
    .option("--roi <names>", 'RTSTRUCT ROI name(s) or number(s), comma-separated, or "all"')
    .option("--series <uid>", "DICOM series to convert (SeriesInstanceUID or SeriesNumber)")
    .action(
      action(
        (
          input: string,
          output: string,
          opts: { quiet?: boolean; reference?: string; roi?: string; series?: string },
        ) => {
          let vol: ReturnType<typeof readImageSelecting>["volume"];
          if (dicomObjectKind(input) === "rtstruct") {
            if (!opts.reference)
              throw new InputError(
                "an RTSTRUCT needs --reference DIR (the image series it is drawn on)",
                input,
              );
            const r = readRtStructMask(input, opts.reference, { roi: opts.roi, series: opts.series });
            if (!opts.quiet) for (const n of r.notes) note(n);
            vol = r.mask;
          } else {
            const r = readImageSelecting(input, { allowNonFinite: true, series: opts.series });
            if (!opts.quiet) for (const n of r.notes) note(n);
            vol = r.volume;
          }
          writeImage(output, vol);
          if (!opts.quiet) note(`wrote ${output} (${vol.size.join("x")}, ${vol.dataType})`);
        },
      ),
    );
}
