// plots.js — line plots and the ΔF/F₀ raster, drawn on canvases with no library.
//
// A plot takes series {x, y, color, dash} and scales both axes to what it is given
// (non-finite values leave a gap, and so do the positions in `axis.breaks`: frames went
// missing before them), labels the x axis in seconds or frames (`axis.unit`), and marks
// x positions given apart (failed frames of motion correction) as red ticks along the
// bottom; it keeps its x scale on the canvas (`canvas.xScale`) for the hover; the raster draws one row per ROI, one column per
// frame, ΔF/F₀ mapped through a dark-to-bright color scale, newest frames at the right.

export const COLORS = ['#4fc3f7', '#ffb74d', '#81c784', '#e57373', '#ba68c8', '#fff176', '#4db6ac', '#f06292'];

export function colorOf(index) {
  return COLORS[index % COLORS.length];
}

function extent(values) {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  if (low === Infinity) return [0, 1];
  if (low === high) return [low - 1, high + 1];
  return [low, high];
}

// An x value as the axis labels it: "frame 120", or seconds with the decimals the span needs.
export function xLabel(value, unit, span) {
  if (unit !== 's') return `${value}`;
  const decimals = span < 10 ? 2 : span < 100 ? 1 : 0;
  return `${value.toFixed(decimals)} s`;
}

export function drawLines(canvas, series, marks = [], axis = { unit: 'frame', breaks: new Set() }) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const pad = { left: 48, right: 6, top: 6, bottom: 16 };
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  const xs = extent([...series.flatMap((s) => s.x), ...marks]);
  const ys = extent(series.flatMap((s) => s.y));
  const px = (x) => pad.left + ((x - xs[0]) / (xs[1] - xs[0])) * (width - pad.left - pad.right);
  const py = (y) => height - pad.bottom - ((y - ys[0]) / (ys[1] - ys[0])) * (height - pad.top - pad.bottom);
  ctx.fillStyle = '#7d8a96';
  ctx.font = '10px ui-monospace, monospace';
  ctx.fillText(ys[1].toPrecision(4), 2, pad.top + 8);
  ctx.fillText(ys[0].toPrecision(4), 2, height - pad.bottom);
  canvas.xScale = { low: xs[0], high: xs[1], left: pad.left, right: width - pad.right };
  const span = xs[1] - xs[0];
  ctx.fillText(axis.unit === 's' ? xLabel(xs[0], 's', span) : `frame ${xs[0]}`, pad.left, height - 3);
  const last = xLabel(xs[1], axis.unit, span);
  ctx.fillText(last, width - pad.right - ctx.measureText(last).width, height - 3);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.setLineDash(s.dash ?? []);
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    let drawing = false;
    for (let i = 0; i < s.x.length; i += 1) {
      if (axis.breaks.has(i)) drawing = false;
      if (!Number.isFinite(s.y[i]) || !Number.isFinite(s.x[i])) {
        drawing = false;
        continue;
      }
      if (drawing) ctx.lineTo(px(s.x[i]), py(s.y[i]));
      else ctx.moveTo(px(s.x[i]), py(s.y[i]));
      drawing = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.fillStyle = '#ff5252';
  for (const x of marks) ctx.fillRect(Math.round(px(x)) - 1, height - pad.bottom - 6, 2, 6);
}

// rows: arrays of ΔF/F₀ values (all the same length).
export function drawRaster(canvas, rows, low = -0.2, high = 1.0) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  if (rows.length === 0 || rows[0].length === 0) return;
  const columns = rows[0].length;
  const image = ctx.createImageData(columns, rows.length);
  rows.forEach((row, r) => {
    row.forEach((value, c) => {
      const t = Number.isFinite(value) ? Math.min(1, Math.max(0, (value - low) / (high - low))) : 0;
      const k = 4 * (r * columns + c);
      image.data[k] = 255 * Math.min(1, 2 * t);
      image.data[k + 1] = 255 * Math.max(0, 2 * t - 1);
      image.data[k + 2] = Number.isFinite(value) ? 255 * (1 - t) * 0.5 : 60;
      image.data[k + 3] = 255;
    });
  });
  const scratch = new OffscreenCanvas(columns, rows.length);
  scratch.getContext('2d').putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, width, height);
}
