// image_view.js — the image panel: a projection through a colormap with percentile
// contrast, zoomed and panned with crisp pixels, the ROIs (outlines, names, neuropil)
// over it, the pixel under the mouse, selecting ROIs and adding new ones by mouse.
//
// Pixels come as base64 little-endian float32 (or, from a "projections" reply, as a
// list of numbers). Coordinates are numpy's: pixel (x, y) is data[:, y, x]. The view is
// a zoom (screen pixels per image pixel, one of ZOOMS: whole numbers from 1 up, so every
// image pixel is the same whole number of screen pixels) and the screen position of the
// image's corner (whole pixels): drawn without smoothing, pixels stay sharp squares.
// The wheel zooms about the pointer, a drag with the middle button or with Alt held pans.
// A click on an ROI selects it (shift-click adds it to the selection); a click elsewhere
// adds a one-pixel ROI; a drag adds the half-open rectangle {xmin, xmax, ymin, ymax}
// covering the pixels it touched. ROIs are drawn from paths built once per ROI set, in
// image coordinates, so a redraw at any zoom is one stroke per ROI; names are drawn only
// where they overlap no other name (the selected ROIs' first), above the ROI or else
// below it. With more than 50 ROIs the neuropil is drawn for the selected ones, and for
// all from a zoom of 4 on. Drawing happens at most once per animation frame, when
// something changed.

import { decodeBase64 } from './base64.js';
import { COLORMAPS, roiColor } from './colors.js';

export const ZOOMS = [0.25, 0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64];

export function decodeImage(image) {
  let data;
  if (typeof image.data === 'string') {
    data = decodeBase64(image.data, Float32Array);
  } else {
    data = Float32Array.from((image.pixels ?? []).map(Number));
  }
  let { min, max } = image;
  if (min === undefined) {
    min = Infinity;
    max = -Infinity;
    for (const v of data) if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); }
  }
  return { name: image.name, width: image.width, height: image.height, data, min, max, sorted: null };
}

// The value at percentile p (0..100) of an image's finite pixels (from a sample of at
// most 65536 of them, sorted once per image).
export function percentile(image, p) {
  if (!image.sorted) {
    const step = Math.max(1, Math.floor(image.data.length / 65536));
    const sample = [];
    for (let i = 0; i < image.data.length; i += step) if (Number.isFinite(image.data[i])) sample.push(image.data[i]);
    image.sorted = Float32Array.from(sample).sort();
  }
  const s = image.sorted;
  if (s.length === 0) return 0;
  const at = (Math.min(100, Math.max(0, p)) / 100) * (s.length - 1);
  const k = Math.floor(at);
  return k + 1 < s.length ? s[k] + (s[k + 1] - s[k]) * (at - k) : s[k];
}

// The pixels of an ROI region (pixel, rect or mask) as [x, y] pairs inside width×height.
export function regionPixels(region, width, height) {
  const out = [];
  const inside = (x, y) => x >= 0 && y >= 0 && x < width && y < height;
  if (!region) return out;
  if (region.pixel) {
    const x = region.pixel.x ?? 0;
    const y = region.pixel.y ?? 0;
    if (inside(x, y)) out.push([x, y]);
  } else if (region.rect) {
    const { xmin = 0, xmax = 0, ymin = 0, ymax = 0 } = region.rect;
    for (let y = Math.max(0, ymin); y < Math.min(height, ymax); y += 1) {
      for (let x = Math.max(0, xmin); x < Math.min(width, xmax); x += 1) out.push([x, y]);
    }
  } else if (region.mask) {
    region.mask.x.forEach((x, k) => {
      const y = region.mask.y[k] ?? 0;
      if (inside(x ?? 0, y)) out.push([x ?? 0, y]);
    });
  }
  return out;
}

// A path (image coordinates) around the outside of a set of pixels, and its bounding box.
function outline(pixels, width) {
  const path = new Path2D();
  const set = new Set(pixels.map(([x, y]) => y * width + x));
  let box = null;
  for (const [x, y] of pixels) {
    if (!set.has(y * width + x - 1) || x === 0) { path.moveTo(x, y); path.lineTo(x, y + 1); }
    if (!set.has(y * width + x + 1) || x === width - 1) { path.moveTo(x + 1, y); path.lineTo(x + 1, y + 1); }
    if (!set.has((y - 1) * width + x)) { path.moveTo(x, y); path.lineTo(x + 1, y); }
    if (!set.has((y + 1) * width + x)) { path.moveTo(x, y + 1); path.lineTo(x + 1, y + 1); }
    if (!box) box = { x0: x, y0: y, x1: x + 1, y1: y + 1 };
    else {
      box.x0 = Math.min(box.x0, x); box.y0 = Math.min(box.y0, y);
      box.x1 = Math.max(box.x1, x + 1); box.y1 = Math.max(box.y1, y + 1);
    }
  }
  return { path, box };
}

export class ImageView {
  constructor(canvas, hover, { onAddRoi, onSelect } = {}) {
    this.canvas = canvas;
    this.hover = hover;
    this.onAddRoi = onAddRoi ?? (() => {});
    this.onSelect = onSelect ?? (() => {});
    this.images = new Map();
    this.name = 'latest';
    this.lowPercent = 0.5;  // contrast: the values at these percentiles are black and white
    this.highPercent = 99.5;
    this.colormap = 'grey';
    this.layers = { outlines: true, labels: true, neuropil: true };
    this.rois = [];
    this.colors = [];  // per ROI; roiColor(position) where missing
    this.selected = new Set();  // positions in `rois`
    this.shapes = [];  // per ROI: { path, box, neuropil: Path2D|null, neuropilDashed }
    this.hit = null;  // Int32Array: the ROI (position) a pixel belongs to, -1 none
    this.drag = null;
    this.pan = null;
    this.zoom = 1;
    this.offset = { x: 0, y: 0 };  // the screen position (canvas pixels) of the image's corner
    this.fitted = true;  // until the user zooms or pans, the view follows the canvas
    this.bitmap = null;  // the current image through the colormap, at image resolution
    this.bitmapStale = true;
    this.drawn = 0;  // frames drawn so far (tests read it)
    this.labels = [];  // the names drawn last, with their boxes (tests read them)
    this.pending = false;
    canvas.addEventListener('mousedown', (e) => this.onDown(e));
    canvas.addEventListener('mousemove', (e) => this.onMove(e));
    canvas.addEventListener('mouseup', (e) => this.onUp(e));
    canvas.addEventListener('mouseleave', () => {
      this.drag = null;
      this.pan = null;
      this.hover.textContent = '\u00a0';
      this.requestDraw();
    });
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const at = this.canvasAt(e);
      this.zoomStep(e.deltaY < 0 ? 1 : -1, at.x, at.y);
    }, { passive: false });
    canvas.addEventListener('auxclick', (e) => e.preventDefault());
  }

  get scale() { return this.zoom; }

  setImages(images) {
    for (const image of images) this.images.set(image.name, decodeImage(image));
    if (!this.images.has(this.name)) this.name = this.images.keys().next().value;
    this.bitmapStale = true;
    this.requestDraw();
  }

  current() { return this.images.get(this.name); }

  show(name) {
    this.name = name;
    this.bitmapStale = true;
    this.requestDraw();
  }

  setContrast(lowPercent, highPercent) {
    this.lowPercent = lowPercent;
    this.highPercent = highPercent;
    this.bitmapStale = true;
    this.requestDraw();
  }

  setColormap(name) {
    this.colormap = COLORMAPS[name] ? name : 'grey';
    this.bitmapStale = true;
    this.requestDraw();
  }

  setLayer(layer, on) {
    this.layers[layer] = on;
    this.requestDraw();
  }

  // The ROI set, each ROI's colour and the selected positions.
  setRois(rois, colors, selected) {
    const shapesStale = rois !== this.rois;
    this.rois = rois;
    this.colors = colors;
    this.selected = selected;
    if (shapesStale) this.shapes = null;
    this.requestDraw();
  }

  buildShapes(image) {
    const { width, height } = image;
    this.hit = new Int32Array(width * height).fill(-1);
    const pixelsOf = this.rois.map((roi) => regionPixels(roi.region, width, height));
    // Smaller ROIs over larger ones, so that each can be clicked.
    const order = pixelsOf.map((_, i) => i).sort((a, b) => pixelsOf[b].length - pixelsOf[a].length);
    for (const i of order) for (const [x, y] of pixelsOf[i]) this.hit[y * width + x] = i;
    this.shapes = this.rois.map((roi, i) => {
      const { path, box } = outline(pixelsOf[i], width);
      let neuropil = null;
      let neuropilDashed = false;
      let neuropilBox = null;
      const n = roi.neuropil ?? {};
      if (n.mask) {
        neuropil = new Path2D();
        const pixels = regionPixels(n, width, height);
        for (const [x, y] of pixels) neuropil.rect(x, y, 1, 1);
        neuropilBox = outline(pixels, width).box;
      } else if (n.pixel || n.rect) {
        const r = n.rect ?? { xmin: n.pixel.x ?? 0, xmax: (n.pixel.x ?? 0) + 1, ymin: n.pixel.y ?? 0,
                              ymax: (n.pixel.y ?? 0) + 1 };
        neuropil = new Path2D();
        neuropil.rect(r.xmin ?? 0, r.ymin ?? 0, (r.xmax ?? 0) - (r.xmin ?? 0), (r.ymax ?? 0) - (r.ymin ?? 0));
        neuropilDashed = true;
        neuropilBox = { x0: r.xmin ?? 0, y0: r.ymin ?? 0, x1: r.xmax ?? 0, y1: r.ymax ?? 0 };
      }
      return { path, box, neuropil, neuropilDashed, neuropilBox };
    });
    this.shapesSize = `${width}x${height}`;
  }

  // ---- the view ----

  // Sizes the canvas for an image (512 wide, as tall as the image's shape asks, 240 to
  // 512) and fits the image in it.
  sizeFor(image) {
    const width = 512;
    const height = Math.min(512, Math.max(240, Math.ceil((512 * image.height) / image.width)));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.fitted = true;
    }
  }

  fit(redraw = true) {
    const image = this.current();
    if (!image) return;
    const room = Math.min(this.canvas.width / image.width, this.canvas.height / image.height);
    this.zoom = [...ZOOMS].reverse().find((z) => z <= room) ?? ZOOMS[0];
    this.offset = { x: Math.floor((this.canvas.width - image.width * this.zoom) / 2),
                    y: Math.floor((this.canvas.height - image.height * this.zoom) / 2) };
    this.fitted = true;
    if (redraw) this.requestDraw();
  }

  // One zoom step in (+1) or out (-1), keeping the image point under canvas (cx, cy)
  // (default: the canvas's centre) where it is.
  zoomStep(direction, cx = this.canvas.width / 2, cy = this.canvas.height / 2) {
    const k = ZOOMS.indexOf(this.zoom);
    const next = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, (k < 0 ? 2 : k) + direction))];
    this.zoomTo(next, cx, cy);
  }

  zoomTo(zoom, cx = this.canvas.width / 2, cy = this.canvas.height / 2) {
    const ix = (cx - this.offset.x) / this.zoom;
    const iy = (cy - this.offset.y) / this.zoom;
    this.zoom = zoom;
    this.offset = { x: Math.round(cx - ix * zoom), y: Math.round(cy - iy * zoom) };
    this.fitted = false;
    this.requestDraw();
  }

  panBy(dx, dy) {
    this.offset = { x: Math.round(this.offset.x + dx), y: Math.round(this.offset.y + dy) };
    this.fitted = false;
    this.requestDraw();
  }

  // The canvas pixel under a mouse event (the canvas may be shown at another size).
  canvasAt(event) {
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) * this.canvas.width) / rect.width,
             y: ((event.clientY - rect.top) * this.canvas.height) / rect.height };
  }

  // The image pixel under a mouse event, clamped to the image; `inside` says whether it was on it.
  pixelAt(event) {
    const at = this.canvasAt(event);
    const x = Math.floor((at.x - this.offset.x) / this.zoom);
    const y = Math.floor((at.y - this.offset.y) / this.zoom);
    const image = this.current();
    if (!image) return { x, y, inside: false };
    const inside = x >= 0 && y >= 0 && x < image.width && y < image.height;
    return { x: Math.min(image.width - 1, Math.max(0, x)), y: Math.min(image.height - 1, Math.max(0, y)), inside };
  }

  // The page coordinates (clientX, clientY) of the centre of image pixel (x, y), for tests.
  clientOf(x, y) {
    const rect = this.canvas.getBoundingClientRect();
    return { x: rect.left + ((this.offset.x + (x + 0.5) * this.zoom) * rect.width) / this.canvas.width,
             y: rect.top + ((this.offset.y + (y + 0.5) * this.zoom) * rect.height) / this.canvas.height };
  }

  // The image pixels shown: [x0, y0, x1, y1), clamped to the image.
  visible() {
    const image = this.current();
    if (!image) return null;
    const x0 = Math.max(0, Math.floor(-this.offset.x / this.zoom));
    const y0 = Math.max(0, Math.floor(-this.offset.y / this.zoom));
    const x1 = Math.min(image.width, Math.ceil((this.canvas.width - this.offset.x) / this.zoom));
    const y1 = Math.min(image.height, Math.ceil((this.canvas.height - this.offset.y) / this.zoom));
    return { x0, y0, x1, y1 };
  }

  // ---- the mouse ----

  onDown(event) {
    if (event.button === 1 || (event.button === 0 && event.altKey)) {
      event.preventDefault();
      this.pan = { x: event.clientX, y: event.clientY };
      return;
    }
    if (event.button !== 0) return;
    const p = this.pixelAt(event);
    if (!p.inside) return;
    this.drag = { from: p, to: p };
  }

  roiAt(x, y) {
    const image = this.current();
    if (!image || !this.hit || this.hit.length !== image.width * image.height) return -1;
    return this.hit[y * image.width + x];
  }

  onMove(event) {
    if (this.pan) {
      const rect = this.canvas.getBoundingClientRect();
      this.panBy(((event.clientX - this.pan.x) * this.canvas.width) / rect.width,
                 ((event.clientY - this.pan.y) * this.canvas.height) / rect.height);
      this.pan = { x: event.clientX, y: event.clientY };
      return;
    }
    const { x, y, inside } = this.pixelAt(event);
    const image = this.current();
    if (image && inside) {
      const value = image.data[y * image.width + x];
      const roi = this.roiAt(x, y);
      this.hover.textContent = `x ${x}  y ${y}  ${this.name} ${Number.isFinite(value) ? value.toPrecision(6) : value}` +
                               (roi >= 0 ? `  · ${this.rois[roi].name}` : '');
    } else if (image) {
      this.hover.textContent = '\u00a0';
    }
    if (this.drag) {
      this.drag.to = { x, y };
      this.requestDraw();
    }
  }

  onUp(event) {
    if (this.pan) {
      this.pan = null;
      return;
    }
    if (!this.drag) return;
    const from = this.drag.from;
    const to = this.pixelAt(event);
    this.drag = null;
    if (from.x === to.x && from.y === to.y) {
      const roi = this.roiAt(from.x, from.y);
      if (roi >= 0) this.onSelect(roi, event.shiftKey);
      else this.onAddRoi({ pixel: { x: from.x, y: from.y } });
    } else {
      this.onAddRoi({ rect: { xmin: Math.min(from.x, to.x), xmax: Math.max(from.x, to.x) + 1,
                              ymin: Math.min(from.y, to.y), ymax: Math.max(from.y, to.y) + 1 } });
    }
    this.requestDraw();
  }

  // ---- drawing ----

  requestDraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  makeBitmap(image) {
    const table = COLORMAPS[this.colormap];
    let low = percentile(image, this.lowPercent);
    let high = percentile(image, this.highPercent);
    if (this.colormap === 'diverging') {  // symmetric about 0: correlation's sign stays its colour
      const m = Math.max(Math.abs(low), Math.abs(high)) || 1;
      low = -m;
      high = m;
    }
    const span = high - low || 1;
    this.range = { low, high };
    const pixels = new ImageData(image.width, image.height);
    const out = pixels.data;
    const { data } = image;
    for (let i = 0; i < data.length; i += 1) {
      const v = data[i];
      if (Number.isFinite(v)) {
        const k = 3 * Math.round(255 * Math.min(1, Math.max(0, (v - low) / span)));
        out[4 * i] = table[k];
        out[4 * i + 1] = table[k + 1];
        out[4 * i + 2] = table[k + 2];
      }
      out[4 * i + 3] = 255;
    }
    if (!this.bitmap || this.bitmap.width !== image.width || this.bitmap.height !== image.height) {
      this.bitmap = new OffscreenCanvas(image.width, image.height);
    }
    this.bitmap.getContext('2d').putImageData(pixels, 0, 0);
    this.bitmapStale = false;
  }

  draw() {
    const image = this.current();
    if (!image) return;
    this.sizeFor(image);
    if (this.fitted || this.imageSize !== `${image.width}x${image.height}`) {
      this.imageSize = `${image.width}x${image.height}`;
      this.fit(false);
    }
    if (this.bitmapStale || !this.bitmap) this.makeBitmap(image);
    if (!this.shapes || this.shapesSize !== `${image.width}x${image.height}`) this.buildShapes(image);
    const ctx = this.canvas.getContext('2d');
    const z = this.zoom;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#0b0d10';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.bitmap, this.offset.x, this.offset.y, image.width * z, image.height * z);
    ctx.setTransform(z, 0, 0, z, this.offset.x, this.offset.y);
    const view = this.visible();
    const shown = (box) => box && box.x1 > view.x0 && box.x0 < view.x1 && box.y1 > view.y0 && box.y0 < view.y1;
    this.shapes.forEach((shape, i) => {
      const color = this.colors[i] ?? roiColor(i);
      const selected = this.selected.has(i);
      if (this.layers.neuropil && shape.neuropil && (selected || this.rois.length <= 50 || z >= 4) &&
          shown(shape.neuropilBox)) {
        if (shape.neuropilDashed) {
          ctx.strokeStyle = color;
          ctx.lineWidth = 1 / z;
          ctx.setLineDash([2 / z, 2 / z]);
          ctx.stroke(shape.neuropil);
          ctx.setLineDash([]);
        } else {
          ctx.fillStyle = color + (selected ? '55' : '22');
          ctx.fill(shape.neuropil);
        }
      }
      if ((this.layers.outlines || selected) && shown(shape.box)) {
        ctx.strokeStyle = selected ? '#ffffff' : color;
        ctx.lineWidth = (selected ? 2.5 : 1.2) / z;
        ctx.stroke(shape.path);
        if (selected) {
          ctx.strokeStyle = color;
          ctx.lineWidth = 1.2 / z;
          ctx.stroke(shape.path);
        }
      }
    });
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.labels = this.layers.labels ? this.drawLabels(ctx, shown) : [];
    if (this.drag) {
      const { from, to } = this.drag;
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 3]);
      ctx.strokeRect(this.offset.x + Math.min(from.x, to.x) * z, this.offset.y + Math.min(from.y, to.y) * z,
                     (Math.abs(to.x - from.x) + 1) * z, (Math.abs(to.y - from.y) + 1) * z);
      ctx.setLineDash([]);
    }
    this.drawn += 1;
  }

  // Each ROI's name above its box (or below it), where it overlaps no name drawn before
  // it (the selected ROIs first); the drawn names and their boxes.
  drawLabels(ctx, shown) {
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'bottom';
    const placed = [];
    const grid = new Map();  // 32-pixel cells -> the boxes touching them
    const cells = (b) => {
      const out = [];
      for (let gx = Math.floor(b.x0 / 32); gx <= Math.floor(b.x1 / 32); gx += 1) {
        for (let gy = Math.floor(b.y0 / 32); gy <= Math.floor(b.y1 / 32); gy += 1) out.push(`${gx},${gy}`);
      }
      return out;
    };
    const order = this.rois.map((_, i) => i).sort((a, b) => this.selected.has(b) - this.selected.has(a));
    for (const i of order) {
      const shape = this.shapes[i];
      if (!shown(shape.box)) continue;
      const name = this.rois[i].name ?? '';
      const w = ctx.measureText(name).width + 2;
      const cx = this.offset.x + ((shape.box.x0 + shape.box.x1) / 2) * this.zoom;
      const top = this.offset.y + shape.box.y0 * this.zoom - 1;
      const below = this.offset.y + shape.box.y1 * this.zoom + 1;
      // Above the ROI, or else below it.
      const box = [{ x0: cx - w / 2, x1: cx + w / 2, y0: top - 12, y1: top },
                   { x0: cx - w / 2, x1: cx + w / 2, y0: below, y1: below + 12 }].find((b) => {
        if (b.x0 < 0 || b.y0 < 0 || b.x1 > this.canvas.width || b.y1 > this.canvas.height) return false;
        return !cells(b).some((k) => (grid.get(k) ?? []).some((o) => o.x0 < b.x1 && b.x0 < o.x1 &&
                                                                        o.y0 < b.y1 && b.y0 < o.y1));
      });
      if (!box) continue;
      for (const k of cells(box)) grid.set(k, [...(grid.get(k) ?? []), box]);
      ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
      ctx.fillRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
      ctx.fillStyle = this.colors[i] ?? roiColor(i);
      ctx.fillText(name, box.x0 + 1, box.y1);
      placed.push({ name, ...box });
    }
    return placed;
  }
}
