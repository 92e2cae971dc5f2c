// colors.js — the dashboard's colours: colormaps for images and the raster, and a colour
// for every ROI that stays distinct from its neighbours in a list of hundreds.
//
// Everything is computed here, in OKLab (a perceptual colour space: equal steps look
// equal): a colormap is a few anchor colours interpolated in OKLab into a 256-entry
// table (grey is the plain ramp); "viridis" passes through nine of the published viridis colours (t = 0, 1/8, …,
// 1), "diverging" goes from blue through near-white to red with 0.5 at the middle. ROI
// colours walk the hue circle by the golden angle (each new hue lands in the largest gap
// left) at a fixed lightness and chroma, alternating between two lightnesses so that
// neighbouring hues differ in brightness too.

function srgbToLinear(c) {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
function linearToSrgb(c) {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

// [r, g, b] 0..255 -> [L, a, b] OKLab.
export function rgbToOklab([r8, g8, b8]) {
  const [r, g, b] = [r8, g8, b8].map((v) => srgbToLinear(v / 255));
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
          1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
          0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s];
}

// [L, a, b] OKLab -> [r, g, b] 0..255 (clamped to sRGB).
export function oklabToRgb([L, A, B]) {
  const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3;
  const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3;
  const s = (L - 0.0894841775 * A - 1.2914855480 * B) ** 3;
  const rgb = [4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
               -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
               -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s];
  return rgb.map((c) => Math.round(255 * Math.min(1, Math.max(0, linearToSrgb(Math.max(0, c))))));
}

const hex = (text) => [1, 3, 5].map((i) => parseInt(text.slice(i, i + 2), 16));

// A 256×3 Uint8Array: `anchors` (hex colours, evenly spaced over 0..1) interpolated in OKLab.
export function makeColormap(anchors) {
  const lab = anchors.map((h) => rgbToOklab(hex(h)));
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i += 1) {
    const t = (i / 255) * (lab.length - 1);
    const k = Math.min(lab.length - 2, Math.floor(t));
    const u = t - k;
    const mixed = [0, 1, 2].map((c) => lab[k][c] * (1 - u) + lab[k + 1][c] * u);
    table.set(oklabToRgb(mixed), 3 * i);
  }
  return table;
}

// grey is the plain ramp (sRGB's own steps are close to even to the eye; OKLab's
// lightness would crush the darkest tenth of the range into black).
export const COLORMAPS = {
  grey: Uint8Array.from({ length: 768 }, (_, k) => Math.floor(k / 3)),
  viridis: makeColormap(['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30',
                         '#fde725']),
  diverging: makeColormap(['#2f4fb8', '#8fa6e0', '#f2f0ec', '#e39a80', '#b2182b']),
};

// The CSS colour of entry t (0..1) of a colormap.
export function colormapCss(table, t) {
  const i = 3 * Math.round(255 * Math.min(1, Math.max(0, t)));
  return `rgb(${table[i]}, ${table[i + 1]}, ${table[i + 2]})`;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));  // 137.5°
const roiColorCache = [];

// The colour of the index-th ROI, as '#rrggbb': golden-angle hues in OKLCH.
export function roiColor(index) {
  if (!roiColorCache[index]) {
    const hue = 0.9 + index * GOLDEN_ANGLE;
    const L = index % 2 === 0 ? 0.78 : 0.68;
    const C = 0.13;
    const rgb = oklabToRgb([L, C * Math.cos(hue), C * Math.sin(hue)]);
    roiColorCache[index] = `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  }
  return roiColorCache[index];
}
