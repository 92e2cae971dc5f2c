// exports.js — what the page saves: the visible traces as CSV and as a NumPy .npy file,
// and any file the browser should download.
//
// The traces are a table: one row per frame shown (live frames of the window), the
// columns `frame`, `time_s` (NaN where calmond knows no time) and then, per selected
// ROI, its F, Fneu, Fcorr, F0 (live) and ΔF/F₀ as `NAME:f`, `NAME:fneu`, `NAME:fcorr`,
// `NAME:f0`, `NAME:dff`. The CSV writes each number as JavaScript prints it (the
// shortest text that reads back as the same double: calmond's float32 values exactly);
// the .npy holds the same table as float64, rows × columns, in C order. Its header is
// written here: the magic "\x93NUMPY", version 1.0, a little-endian header length and a
// Python dict literal padded with spaces to a multiple of 64 bytes.

export const TRACE_COLUMNS = ['f', 'fneu', 'fcorr', 'f0', 'dff'];

// {columns: [names], rows: [[numbers]]} for the selected ROIs over the live frames from `fromX` on.
export function traceTable(store, selection, fromX = -Infinity) {
  const { x } = store.axis();
  let from = 0;
  while (from < x.length && !(x[from] >= fromX)) from += 1;
  if (fromX === -Infinity) from = 0;
  const columns = ['frame', 'time_s'];
  const series = [];
  for (const { key, name } of selection) {
    const s = store.seriesOf(key);
    if (!s) continue;
    for (const trace of TRACE_COLUMNS) {
      columns.push(`${name}:${trace}`);
      series.push(s[trace]);
    }
  }
  const rows = [];
  for (let k = from; k < store.frames.length; k += 1) {
    rows.push([store.frames[k], store.times[k], ...series.map((values) => values[k])]);
  }
  return { columns, rows };
}

const csvField = (text) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

export function tableToCsv({ columns, rows }) {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map((v) => (Number.isFinite(v) ? String(v) : 'NaN')).join(','));
  return `${lines.join('\n')}\n`;
}

// A .npy file (Uint8Array) of float64 `values` with `shape` (a list of whole numbers).
export function npyBytes(values, shape) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;  // magic, version, length; the header; '\n'
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + 8 * values.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);  // \x93NUMPY 1.0
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i += 1) bytes[10 + i] = header.charCodeAt(i);
  const data = new DataView(bytes.buffer, 10 + header.length);
  for (let i = 0; i < values.length; i += 1) data.setFloat64(8 * i, values[i], true);
  return bytes;
}

export function tableToNpy({ columns, rows }) {
  const values = new Float64Array(rows.length * columns.length);
  rows.forEach((row, r) => row.forEach((v, c) => { values[r * columns.length + c] = v; }));
  return npyBytes(values, [rows.length, columns.length]);
}

// Saves `data` (a Blob, text or bytes) as `name` through the browser's download.
export function download(name, data, type = 'application/octet-stream') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
