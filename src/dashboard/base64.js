// base64.js — calmond's binary fields (protobuf JSON prints `bytes` as base64) as typed
// arrays: images (float32 pixels) and history (float64, float32, uint8 per point).
//
// A plain loop over atob's text: several times faster than a mapping function per byte,
// which counts for a 512×512 image twice a second and for an hour's history of 500 ROIs.

// Decodes base64 into a typed array of `Type` (little-endian, as calmond writes it).
export function decodeBase64(text, Type = Uint8Array) {
  const binary = atob(text ?? '');
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Type(bytes.buffer, 0, Math.floor(bytes.length / Type.BYTES_PER_ELEMENT));
}
