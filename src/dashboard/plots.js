// plots.js — line plots and the ΔF/F₀ raster, drawn on canvases with no library, and
// the same line plots as SVG text.
//
// A plot takes series {x, y, start, color, dash, breaks, lane} (the points from x[start],
// y[start] on) and an x range (the window);
// the y axis is scaled to what is visible. Non-finite values leave a gap, and so do the
// positions in a series' `breaks` (frames went missing before them). Both axes get ticks
// at round steps (1, 2, 5 × 10ⁿ; on seconds, whole minutes once the window is long, and
// labels as m:ss), the x axis its unit. Where a series has more points than the plot has
// pixel columns, each column is drawn as one vertical stroke from its lowest to its
// highest value, so hundreds of series over an hour of frames draw as fast as a few: the
// cost follows the plot's width, not the frames. Stacked plots give each series a lane
// of its own (`lane`, 0 at the top), scaled to its own range, its name at the left.
// Marks (failed frames of motion correction) are red ticks along the bottom. The plot's
// scales are kept on the canvas (`canvas.xScale`, `canvas.yScale`) for the hover. The
// raster draws one row per ROI through a colormap, newest frames at the right, names at
// the left where rows are tall enough, and a colour bar with its range at the right.

import { COLORMAPS, colormapCss, roiColor } from './colors.js';

export function colorOf(index) {
  return roiColor(index);
}

function extent(values, low = Infinity, high = -Infinity) {
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  return [low, high];
}

function padded([low, high]) {
  if (low === Infinity) return [0, 1];
  if (low === high) return [low - 1, high + 1];
  return [low, high];
}

// Round tick values covering [low, high], about `count` of them; on seconds (`unit` 's')
// a long span gets whole minutes.
export function ticks(low, high, count = 5, unit = '') {
  const span = high - low;
  if (!(span > 0) || !Number.isFinite(span)) return [];
  const raw = span / count;
  let step;
  if (unit === 's' && raw >= 30) {
    const minutes = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240].find((m) => m * 60 >= raw) ?? 240;
    step = minutes * 60;
  } else {
    const power = 10 ** Math.floor(Math.log10(raw));
    step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  }
  const out = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  out.step = step;
  return out;
}

// A tick's label: seconds as "12.5 s" (decimals from the step), or "m:ss" from 2 min on;
// frames and values as round numbers.
export function tickLabel(value, step, unit) {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  if (unit === 's' && step >= 30) {
    const sign = value < 0 ? '-' : '';
    const total = Math.round(Math.abs(value));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const sec = String(total % 60).padStart(2, '0');
    return h ? `${sign}${h}:${String(m).padStart(2, '0')}:${sec}` : `${sign}${m}:${sec}`;
  }
  const text = value.toFixed(decimals);
  return unit === 's' ? `${text} s` : text;
}

// An x value as the axis labels it: "frame 120", or seconds with the decimals the span needs.
export function xLabel(value, unit, span) {
  if (unit !== 's') return `${value}`;
  const decimals = span < 10 ? 2 : span < 100 ? 1 : 0;
  return `${value.toFixed(decimals)} s`;
}

const PAD = { left: 52, right: 8, top: 6, bottom: 18 };

// The geometry of a line plot: scales, ticks and each series as polylines of canvas
// points, decimated to a stroke per pixel column where the points are denser.
export function layoutLines(series, { width, height, xRange = null, unit = 'frame', lanes = 0 }) {
  let xs = xRange;
  if (!xs) {
    xs = [Infinity, -Infinity];
    for (const s of series) xs = extent(s.start ? s.x.slice(s.start) : s.x, xs[0], xs[1]);
    xs = padded(xs);
  }
  const inside = (x) => x >= xs[0] && x <= xs[1];
  const left = PAD.left;
  const right = width - PAD.right;
  const top = PAD.top;
  const bottom = height - PAD.bottom;
  const px = (x) => left + ((x - xs[0]) / (xs[1] - xs[0])) * (right - left);
  // Each series' (or, stacked, each lane's) y range over the visible points.
  const ranges = series.map((s) => {
    let low = Infinity;
    let high = -Infinity;
    for (let i = s.start ?? 0; i < s.x.length; i += 1) {
      const v = s.y[i];
      if (inside(s.x[i]) && Number.isFinite(v)) {
        if (v < low) low = v;
        if (v > high) high = v;
      }
    }
    return [low, high];
  });
  let ys = [Infinity, -Infinity];
  for (const [low, high] of ranges) ys = [Math.min(ys[0], low), Math.max(ys[1], high)];
  ys = padded(ys);
  const laneRanges = new Map();
  if (lanes > 0) {
    series.forEach((s, i) => {
      const r = laneRanges.get(s.lane) ?? [Infinity, -Infinity];
      laneRanges.set(s.lane, [Math.min(r[0], ranges[i][0]), Math.max(r[1], ranges[i][1])]);
    });
  }
  const laneHeight = lanes > 0 ? (bottom - top) / lanes : 0;
  const pyOf = (s) => {
    if (lanes > 0) {
      const [low, high] = padded(laneRanges.get(s.lane));
      const laneBottom = top + (s.lane + 1) * laneHeight - 1;
      return (y) => laneBottom - ((y - low) / (high - low)) * (laneHeight - 2);
    }
    return (y) => bottom - ((y - ys[0]) / (ys[1] - ys[0])) * (bottom - top);
  };
  const lines = series.map((s) => {
    const py = pyOf(s);
    const polylines = [];
    let line = null;
    let col = null;
    let first;
    let low;
    let high;
    let last;
    const flush = () => {
      if (col === null) return;
      if (!line) { line = []; polylines.push(line); }
      line.push([col, first]);
      if (low !== first) line.push([col, low]);
      if (high !== low) line.push([col, high]);
      if (last !== high) line.push([col, last]);
      col = null;
    };
    for (let i = s.start ?? 0; i < s.x.length; i += 1) {
      if (s.breaks?.has(i)) { flush(); line = null; }
      const x = s.x[i];
      const v = s.y[i];
      if (!Number.isFinite(v) || !Number.isFinite(x) || !inside(x)) { flush(); line = null; continue; }
      const c = Math.round(px(x) * 2) / 2;
      const y = py(v);
      if (c !== col) {
        flush();
        col = c;
        first = y; low = y; high = y; last = y;
      } else {
        if (y < low) low = y;
        if (y > high) high = y;
        last = y;
      }
    }
    flush();
    return { ...s, polylines };
  });
  const xTicks = ticks(xs[0], xs[1], Math.max(2, Math.floor((right - left) / 90)), unit);
  const yTicks = lanes > 0 ? [] : ticks(ys[0], ys[1], Math.max(2, Math.floor((bottom - top) / 35)));
  return { xs, ys, px, py: lanes > 0 ? null : pyOf({}), left, right, top, bottom, lines, xTicks, yTicks, unit, laneHeight };
}

export function drawLines(canvas, series, marks = [], axis = { unit: 'frame' }, options = {}) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const layout = layoutLines(series, { width, height, xRange: options.xRange ?? null, unit: axis.unit,
                                       lanes: options.lanes ?? 0 });
  const { xs, ys, px, left, right, top, bottom } = layout;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  ctx.font = '10px ui-monospace, monospace';
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#1e252d';
  ctx.fillStyle = '#7d8a96';
  ctx.textBaseline = 'alphabetic';
  for (const t of layout.xTicks) {
    const x = Math.round(px(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
    const label = tickLabel(t, layout.xTicks.step, axis.unit);
    const w = ctx.measureText(label).width;
    ctx.fillText(label, Math.min(right - w, Math.max(left, x - w / 2)), height - 4);
  }
  for (const t of layout.yTicks) {
    const y = Math.round(layout.py(t)) + 0.5;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(right, y); ctx.stroke();
    ctx.fillText(tickLabel(t, layout.yTicks.step, ''), 2, y + 3);
  }
  if (axis.unit !== 's') ctx.fillText('frame', 2, height - 4);
  canvas.xScale = { low: xs[0], high: xs[1], left, right };
  canvas.yScale = { low: ys[0], high: ys[1], top, bottom };
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top - 1, right - left, bottom - top + 2);
  ctx.clip();
  for (const s of layout.lines) {
    ctx.strokeStyle = s.color;
    ctx.setLineDash(s.dash ?? []);
    ctx.lineWidth = s.width ?? 1.2;
    ctx.beginPath();
    for (const line of s.polylines) {
      ctx.moveTo(line[0][0], line[0][1]);
      if (line.length === 1) ctx.lineTo(line[0][0] + 1, line[0][1]);
      for (let i = 1; i < line.length; i += 1) ctx.lineTo(line[i][0], line[i][1]);
    }
    ctx.stroke();
  }
  ctx.restore();
  ctx.setLineDash([]);
  if (options.lanes) {  // each lane's name at its left, in its colour
    ctx.font = '10px system-ui, sans-serif';
    const named = new Map();
    for (const s of series) if (!named.has(s.lane) && s.name) named.set(s.lane, s);
    if (layout.laneHeight >= 9) {
      for (const [lane, s] of named) {
        ctx.fillStyle = s.color;
        ctx.fillText(s.name.slice(0, 9), 2, top + lane * layout.laneHeight + Math.min(12, layout.laneHeight));
      }
    }
  }
  ctx.fillStyle = '#ff5252';
  for (const x of marks) if (x >= xs[0] && x <= xs[1]) ctx.fillRect(Math.round(px(x)) - 1, bottom - 6, 2, 6);
  return layout;
}

const escapeXml = (text) => String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

// The same plot as drawLines, as an SVG document (text), with a title.
export function linesToSvg(series, axis, { width, height, xRange = null, lanes = 0, title = '' }) {
  const layout = layoutLines(series, { width, height, xRange, unit: axis.unit, lanes });
  const { px, left, right, top, bottom } = layout;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 16}" ` +
               `viewBox="0 -16 ${width} ${height + 16}" font-family="sans-serif" font-size="10">`,
               `<rect x="0" y="-16" width="${width}" height="${height + 16}" fill="#000"/>`,
               `<text x="${left}" y="-4" fill="#dde3ea">${escapeXml(title)}</text>`];
  for (const t of layout.xTicks) {
    const x = px(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#1e252d"/>`,
             `<text x="${x}" y="${height - 4}" fill="#7d8a96" text-anchor="middle">` +
             `${escapeXml(tickLabel(t, layout.xTicks.step, axis.unit))}</text>`);
  }
  for (const t of layout.yTicks) {
    const y = layout.py(t).toFixed(1);
    out.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#1e252d"/>`,
             `<text x="2" y="${(Number(y) + 3).toFixed(1)}" fill="#7d8a96">${escapeXml(tickLabel(t, layout.yTicks.step, ''))}</text>`);
  }
  for (const s of layout.lines) {
    const dash = s.dash?.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : '';
    for (const line of s.polylines) {
      const points = line.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.2"${dash} points="${points}">` +
               `<title>${escapeXml(s.name ?? '')}</title></polyline>`);
    }
  }
  out.push('</svg>');
  return out.join('\n');
}

// rows: {name, values, color} — ΔF/F₀ per column (all the same length), drawn through
// `colormap` from `low` to `high`; `x` the time (or frames: `unit`) of the first and
// last column's edges, for the axis under the rows; returns where the rows are, for a click.
export function drawRaster(canvas, rows, { low = -0.2, high = 1.0, colormap = 'viridis', x = null, unit = 's' } = {}) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  const table = COLORMAPS[colormap] ?? COLORMAPS.viridis;
  const bar = { left: width - 44, width: 10 };
  const area = { left: 64, right: bar.left - 6, top: 2, bottom: height - (x ? 16 : 2) };
  if (x && x[1] > x[0]) {  // the time axis under the rows
    const marks = ticks(x[0], x[1], Math.max(2, Math.floor((area.right - area.left) / 90)), unit);
    ctx.fillStyle = '#7d8a96';
    ctx.font = '10px ui-monospace, monospace';
    for (const t of marks) {
      const px = area.left + ((t - x[0]) / (x[1] - x[0])) * (area.right - area.left);
      const label = tickLabel(t, marks.step, unit);
      const w = ctx.measureText(label).width;
      ctx.fillRect(Math.round(px), area.bottom, 1, 3);
      ctx.fillText(label, Math.min(area.right - w, Math.max(area.left, px - w / 2)), height - 3);
    }
  }
  const layout = { ...area, rowHeight: rows.length ? (area.bottom - area.top) / rows.length : 0, rows: rows.length };
  // The colour bar, low at the bottom.
  for (let y = area.top; y < area.bottom; y += 1) {
    ctx.fillStyle = colormapCss(table, 1 - (y - area.top) / (area.bottom - area.top));
    ctx.fillRect(bar.left, y, bar.width, 1);
  }
  ctx.fillStyle = '#9aa7b4';
  ctx.font = '10px ui-monospace, monospace';
  ctx.fillText(high.toPrecision(2), bar.left + bar.width + 2, area.top + 9);
  ctx.fillText(low.toPrecision(2), bar.left + bar.width + 2, area.bottom - 1);
  if (rows.length === 0 || rows[0].values.length === 0) return layout;
  const columns = rows[0].values.length;
  const image = ctx.createImageData(columns, rows.length);
  const span = high - low || 1;
  rows.forEach((row, r) => {
    row.values.forEach((value, c) => {
      const k = 4 * (r * columns + c);
      if (Number.isFinite(value)) {
        const i = 3 * Math.round(255 * Math.min(1, Math.max(0, (value - low) / span)));
        image.data[k] = table[i];
        image.data[k + 1] = table[i + 1];
        image.data[k + 2] = table[i + 2];
      } else {
        image.data[k] = 25; image.data[k + 1] = 25; image.data[k + 2] = 30;
      }
      image.data[k + 3] = 255;
    });
  });
  const scratch = new OffscreenCanvas(columns, rows.length);
  scratch.getContext('2d').putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, area.left, area.top, area.right - area.left, area.bottom - area.top);
  if (layout.rowHeight >= 9) {
    ctx.font = `${Math.min(11, Math.floor(layout.rowHeight))}px system-ui, sans-serif`;
    rows.forEach((row, r) => {
      ctx.fillStyle = row.color ?? '#9aa7b4';
      ctx.fillText(row.name.slice(0, 10), 2, area.top + (r + 1) * layout.rowHeight - 1);
    });
  } else {
    ctx.fillStyle = '#7d8a96';
    ctx.fillText(`${rows.length} ROIs`, 2, area.top + 10);
  }
  return layout;
}
