/** Native SHA-1 for the Node edge (same digests as the portable src/util/sha1.ts, much faster). */
import { createHash } from "node:crypto";
import type { Hasher } from "./sha1.js";

export const nodeSha1: Hasher = (bytes) => createHash("sha1").update(bytes).digest("hex");
