/**
 * Windows-1252 puts 27 printable characters (€ ‘ ’ “ ” – — Œ š …) at bytes 0x80–0x9f, where Latin-1 has
 * control characters. Node 20's `TextDecoder('windows-1252')` decodes those bytes as Latin-1 would, so a
 * name like O’Brien came out with U+0092 in it; this maps them as the WHATWG Encoding Standard does
 * (the five bytes it leaves undefined stay as they are). A no-op where the decoder already maps them.
 */
const HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const C1 = /[\u0080-\u009f]/g;

const windows1252 = new TextDecoder('windows-1252');

/** Bytes of a single-byte Windows-1252 file as text (no piece boundary can split a character). */
export const decodeWindows1252 = (bytes: Uint8Array): string =>
  windows1252.decode(bytes).replace(C1, (c) => HIGH[c.charCodeAt(0) - 0x80]!);
