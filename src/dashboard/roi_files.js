// roi_files.js — the ROI set saved to a file and loaded from one, through calmond.
//
// calmond reads and writes the files (the control API's import_rois and export_rois),
// so the page, the control API and calmon-rois agree on every format and its rules.
// Files travel as protobuf JSON does bytes: base64.

function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text) {
  return Uint8Array.from(atob(text ?? ''), (c) => c.charCodeAt(0));
}

// Asks calmond for the current set as a `format` file ("json", "zip") and saves it
// through the browser's download; resolves with the ControlReply.
export async function downloadRois(connection, format) {
  const reply = await connection.request({ export_rois: { format } });
  if (!reply.ok) return reply;
  const { name, data } = reply.roi_file;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([fromBase64(data)]));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return reply;
}

// What calmond takes in one page request, 64 MiB, less base64's third.
const MAX_UPLOAD_BYTES = 48 * 1024 * 1024;

// Sends the chosen files (File objects: one ROI set) for calmond to read and make the
// ROI set; resolves with the ControlReply (the new set's RoiSetInfo when ok).
export async function uploadRois(connection, files) {
  const bytes = [...files].reduce((sum, file) => sum + file.size, 0);
  if (bytes > MAX_UPLOAD_BYTES) {
    return { ok: false, error: `${(bytes / 1048576).toFixed(1)} MiB of files; the page sends at most 48 MiB ` +
                               '(calmon-rois import reads any size; send its JSON)' };
  }
  const sent = await Promise.all([...files].map(async (file) => ({
    name: file.name, data: toBase64(new Uint8Array(await file.arrayBuffer())) })));
  return connection.request({ import_rois: { files: sent } });
}
