/**
 * SHA-1 of a byte buffer, in plain TypeScript so that it runs in a browser synchronously. The Node edge
 * may pass a native hasher instead (same result, faster). Used for the image/mask hash diagnostics that
 * PyRadiomics reports (diagnostics_Image-original_Hash).
 */

export type Hasher = (bytes: Uint8Array) => string;

export const sha1: Hasher = (bytes) => {
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  const n = bytes.length;
  const totalBlocks = Math.ceil((n + 9) / 64);
  const tail = new Uint8Array(128);
  const fullBlocks = Math.floor(n / 64);
  // The last one or two blocks, with padding and the 64-bit length.
  const rem = n - fullBlocks * 64;
  tail.set(bytes.subarray(fullBlocks * 64), 0);
  tail[rem] = 0x80;
  const tailLen = (totalBlocks - fullBlocks) * 64;
  const bitLenHi = Math.floor(n / 0x20000000);
  const bitLenLo = (n * 8) >>> 0;
  tail[tailLen - 8] = bitLenHi >>> 24;
  tail[tailLen - 7] = bitLenHi >>> 16;
  tail[tailLen - 6] = bitLenHi >>> 8;
  tail[tailLen - 5] = bitLenHi;
  tail[tailLen - 4] = bitLenLo >>> 24;
  tail[tailLen - 3] = bitLenLo >>> 16;
  tail[tailLen - 2] = bitLenLo >>> 8;
  tail[tailLen - 1] = bitLenLo;
  for (let blk = 0; blk < totalBlocks; blk++) {
    const src = blk < fullBlocks ? bytes : tail;
    const off = blk < fullBlocks ? blk * 64 : (blk - fullBlocks) * 64;
    for (let t = 0; t < 16; t++) {
      const o = off + t * 4;
      w[t] = (src[o]! << 24) | (src[o + 1]! << 16) | (src[o + 2]! << 8) | src[o + 3]!;
    }
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  return [h0, h1, h2, h3, h4].map((v) => (v >>> 0).toString(16).padStart(8, "0")).join("");
};
