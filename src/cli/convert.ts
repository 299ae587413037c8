/** `radiogenomics convert IN OUT`: convert between NIfTI, NRRD and MetaImage (format from OUT's extension). */
import type { Command } from "commander";
import { readImage } from "../io/read.js";
import { writeImage } from "../io/write.js";
import { action, note } from "./util.js";

export function register(program: Command): void {
  program
    .command("convert")
    .description("convert an image or mask between formats; the output format follows OUT's extension")
    .argument("<in>", "input image (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd)")
    .argument("<out>", "output image (.nii, .nii.gz, .nrrd, .mha)")
    .option("-q, --quiet", "print nothing on success")
    .action(
      action((input: string, output: string, opts: { quiet?: boolean }) => {
        const vol = readImage(input, { allowNonFinite: true });
        writeImage(output, vol);
        if (!opts.quiet) note(`wrote ${output} (${vol.size.join("x")}, ${vol.dataType})`);
      }),
    );
}
