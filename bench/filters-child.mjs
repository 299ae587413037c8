// One whole extraction process for the `filters` benchmark (bench/run.ts): brain1 with Original + LoG
// sigma 1, 2, 3 mm + Wavelet coif1 level 1, all classes (PyRadiomics' log_wavelet.yaml), from the built
// library in dist/. Prints the feature count and the peak RSS (KiB) as JSON on stdout.
import { extractFeatures } from "../dist/extract/pipeline.js";
import { logImages, waveletImages } from "../dist/image/filters/pyradiomicsTypes.js";
import { boundingBox, cropToBox, selectLabel } from "../dist/image/geometry.js";
import { readImage } from "../dist/io/read.js";
import { nodeSha1 } from "../dist/util/nodeHash.js";

const [imagePath, maskPath] = process.argv.slice(2);
const image = readImage(imagePath);
const mask = readImage(maskPath);
const setting = { binWidth: 25, label: 1 };
const texture = { firstorder: null, glcm: null, glrlm: null, glszm: null, gldm: null, ngtdm: null };
let n = Object.keys(
  extractFeatures(
    image,
    mask,
    { setting, imageType: { Original: {} }, featureClass: { shape: null, ...texture } },
    { hasher: nodeSha1 },
  )[0].features,
).length;
// PyRadiomics reports the hashes of the original image and mask only, not of derived images
const noHash = () => "";
const box = boundingBox(selectLabel(mask, 1));
const m = cropToBox(mask, box);
for (const gen of [logImages(image, { sigma: [1, 2, 3] }, box), waveletImages(image, {}, box)]) {
  for (const d of gen) {
    n += Object.keys(
      extractFeatures(
        d.image,
        m,
        { setting, imageType: { Original: {} }, featureClass: texture },
        { hasher: noHash },
      )[0].features,
    ).length;
  }
}
const ru = process.resourceUsage();
process.stdout.write(
  JSON.stringify({ features: n, maxRssKiB: ru.maxRSS, cpuMs: (ru.userCPUTime + ru.systemCPUTime) / 1000 }),
);
