// image_view.js — the image panel: a projection with adjustable contrast, the ROIs and
// their neuropil drawn over it, the pixel under the mouse, and new ROIs by mouse.
//
// Pixels come as base64 little-endian float32 (or, from a "projections" reply, as a
// list of numbers). Coordinates are numpy's: pixel (x, y) is data[:, y, x]; a dragged
// rectangle becomes the half-open {xmin, xmax, ymin, ymax} that covers the pixels the
// drag touched; a click without a drag becomes a one-pixel ROI.

import { colorOf } from './plots.js';

export function decodeImage(image) {
  let data;
  if (typeof image.data === 'string') {
    const bytes = Uint8Array.from(atob(image.data), (c) => c.charCodeAt(0));
    data = new Float32Array(bytes.buffer);
  } else {
    data = Float32Array.from((image.pixels ?? []).map(Number));
  }
  let { min, max } = image;
  if (min === undefined) {
    min = Infinity;
    max = -Infinity;
    for (const v of data) if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); }
  }
  return { name: image.name, width: image.width, height: image.height, data, min, max };
}

export class ImageView {
  constructor(canvas, hover, onAddRoi) {
    this.canvas = canvas;
    this.hover = hover;
    this.onAddRoi = onAddRoi;
    this.images = new Map();
    this.name = 'latest';
    this.low = 0;
    this.high = 1;
    this.rois = [];
    this.colors = [];  // per ROI; colorOf(position) where missing
    this.selected = new Set();  // positions in `rois`
    this.drag = null;
    this.scale = 1;
    this.drawn = 0;  // images drawn so far (tests read it)
    canvas.addEventListener('mousedown', (e) => { this.drag = { from: this.pixelAt(e), to: this.pixelAt(e) }; });
    canvas.addEventListener('mousemove', (e) => this.onMove(e));
    canvas.addEventListener('mouseup', (e) => this.onUp(e));
    canvas.addEventListener('mouseleave', () => { this.drag = null; this.hover.textContent = '\u00a0'; this.draw(); });
  }

  setImages(images) {
    for (const image of images) this.images.set(image.name, decodeImage(image));
    if (!this.images.has(this.name)) this.name = this.images.keys().next().value;
    this.draw();
  }

  current() { return this.images.get(this.name); }

  pixelAt(event) {
    const rect = this.canvas.getBoundingClientRect();
    const image = this.current();
    const x = Math.floor((event.clientX - rect.left) / this.scale);
    const y = Math.floor((event.clientY - rect.top) / this.scale);
    if (!image) return { x, y };
    return { x: Math.min(image.width - 1, Math.max(0, x)), y: Math.min(image.height - 1, Math.max(0, y)) };
  }

  onMove(event) {
    const { x, y } = this.pixelAt(event);
    const image = this.current();
    if (image) {
      const value = image.data[y * image.width + x];
      this.hover.textContent = `x ${x}  y ${y}  ${this.name} ${Number.isFinite(value) ? value.toPrecision(6) : value}`;
    }
    if (this.drag) {
      this.drag.to = { x, y };
      this.draw();
    }
  }

  onUp(event) {
    if (!this.drag) return;
    const from = this.drag.from;
    const to = this.pixelAt(event);
    this.drag = null;
    if (from.x === to.x && from.y === to.y) {
      this.onAddRoi({ pixel: { x: from.x, y: from.y } });
    } else {
      this.onAddRoi({ rect: { xmin: Math.min(from.x, to.x), xmax: Math.max(from.x, to.x) + 1,
                              ymin: Math.min(from.y, to.y), ymax: Math.max(from.y, to.y) + 1 } });
    }
    this.draw();
  }

  draw() {
    const image = this.current();
    if (!image) return;
    const scale = Math.max(1, Math.floor(Math.min(480 / image.width, 480 / image.height)));
    if (this.canvas.width !== image.width * scale || this.canvas.height !== image.height * scale) {
      this.canvas.width = image.width * scale;
      this.canvas.height = image.height * scale;
    }
    this.scale = scale;
    const span = image.max - image.min || 1;
    const low = image.min + this.low * span;
    const high = image.min + this.high * span;
    const pixels = new ImageData(image.width, image.height);
    for (let i = 0; i < image.data.length; i += 1) {
      const t = Math.min(1, Math.max(0, (image.data[i] - low) / (high - low || 1)));
      const g = Number.isFinite(image.data[i]) ? 255 * t : 0;
      pixels.data[4 * i] = g;
      pixels.data[4 * i + 1] = g;
      pixels.data[4 * i + 2] = g;
      pixels.data[4 * i + 3] = 255;
    }
    const scratch = new OffscreenCanvas(image.width, image.height);
    scratch.getContext('2d').putImageData(pixels, 0, 0);
    const ctx = this.canvas.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(scratch, 0, 0, this.canvas.width, this.canvas.height);
    this.rois.forEach((roi, i) => this.drawRoi(ctx, roi, i));
    if (this.drag) {
      const { from, to } = this.drag;
      ctx.strokeStyle = '#fff';
      ctx.setLineDash([3, 3]);
      ctx.strokeRect(Math.min(from.x, to.x) * scale, Math.min(from.y, to.y) * scale,
                     (Math.abs(to.x - from.x) + 1) * scale, (Math.abs(to.y - from.y) + 1) * scale);
      ctx.setLineDash([]);
    }
    this.drawn += 1;
  }

  drawRoi(ctx, roi, index) {
    const s = this.scale;
    const color = this.colors[index] ?? colorOf(index);
    const selected = this.selected.has(index);
    if (roi.neuropil?.mask) {  // the ring (or any mask): faint dots
      ctx.fillStyle = color + (selected ? '55' : '22');
      roi.neuropil.mask.x.forEach((x, k) => ctx.fillRect(x * s, roi.neuropil.mask.y[k] * s, s, s));
    } else if (roi.neuropil?.pixel) {
      ctx.strokeStyle = color;
      ctx.setLineDash([2, 2]);
      ctx.strokeRect(roi.neuropil.pixel.x * s, roi.neuropil.pixel.y * s, s, s);
      ctx.setLineDash([]);
    } else if (roi.neuropil?.rect) {
      const r = roi.neuropil.rect;
      ctx.strokeStyle = color;
      ctx.setLineDash([2, 2]);
      ctx.strokeRect(r.xmin * s, r.ymin * s, (r.xmax - r.xmin) * s, (r.ymax - r.ymin) * s);
      ctx.setLineDash([]);
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = selected ? 2.5 : 1.2;
    const region = roi.region ?? {};
    let label = { x: 0, y: 0 };
    if (region.pixel) {
      ctx.strokeRect(region.pixel.x * s, region.pixel.y * s, s, s);
      label = { x: region.pixel.x, y: region.pixel.y };
    } else if (region.rect) {
      const r = region.rect;
      ctx.strokeRect(r.xmin * s, r.ymin * s, (r.xmax - r.xmin) * s, (r.ymax - r.ymin) * s);
      label = { x: r.xmin, y: r.ymin };
    } else if (region.mask) {
      ctx.fillStyle = color + '88';
      region.mask.x.forEach((x, k) => ctx.fillRect(x * s, region.mask.y[k] * s, s, s));
      label = { x: region.mask.x[0] ?? 0, y: region.mask.y[0] ?? 0 };
    }
    ctx.lineWidth = 1;
    ctx.fillStyle = color;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(roi.name, label.x * s + 2, Math.max(10, label.y * s - 2));
  }
}
