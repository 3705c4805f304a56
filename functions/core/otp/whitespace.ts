/** What a regex's `\s` matches, a code unit at a time: normalization and the spaced-letter check share it. */

/** `\s` of a regex, code unit by code unit (test/unit/otp-scan-shortcuts.property.test.ts checks every one). */
export function isWhitespace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
