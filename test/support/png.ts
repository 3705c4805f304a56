import { execFileSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';

/** rsvg-convert, when installed (`.ci/run` installs librsvg2-bin). */
export const RSVG = (() => {
  try {
    return execFileSync('which', ['rsvg-convert'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

/** PNG size from the IHDR chunk, and how many distinct byte values its pixel data holds. */
export function pngFacts(png: Buffer): {
  signature: string;
  width: number;
  height: number;
  distinctBytes: number;
} {
  const chunks: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('latin1');
    if (type === 'IDAT') chunks.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(chunks));
  return {
    signature: png.subarray(0, 8).toString('hex'),
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
    distinctBytes: new Set(pixels).size,
  };
}
