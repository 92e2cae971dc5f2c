// roi_list.js — the ROI list: hundreds of ROIs, filtered by name, sorted, selected with
// the mouse or the keyboard, renamed and deleted.
//
// Only the rows in view exist in the page (ROW_HEIGHT pixels each, over a spacer as tall
// as the whole list), so 500 ROIs cost what 20 do. Sorting is by name (natural order:
// cell2 before cell10), by the current ΔF/F₀ or by the peak ΔF/F₀ (the highest first);
// the numbers shown are refreshed in place, and a list sorted by them is put in order
// again at most once a second, never while a name is being edited. Keyboard, with the
// list focused: ↑/↓ move the cursor, Space adds or removes the ROI under it from the
// selection, Enter selects it alone.

export const ROW_HEIGHT = 24;

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function sortOrder(rois, keys, mode, stats) {
  const order = rois.map((_, i) => i);
  if (mode === 'name') return order.sort((a, b) => natural.compare(rois[a].name ?? '', rois[b].name ?? ''));
  const value = (i) => {
    const v = stats(keys[i])?.[mode === 'peak' ? 'peak' : 'now'];
    return Number.isFinite(v) ? v : -Infinity;
  };
  return order.sort((a, b) => value(b) - value(a) || a - b);
}

export function filterOrder(order, rois, text) {
  const needle = text.trim().toLowerCase();
  if (!needle) return order;
  return order.filter((i) => (rois[i].name ?? '').toLowerCase().includes(needle));
}

const fmt = (v) => (Number.isFinite(v) ? v.toFixed(2) : '–');

export class RoiList {
  // container: the scrolling element; handlers: onToggle(key, on), onOnly(key), onRename(key, name), onDelete(key).
  constructor(container, handlers, stats) {
    this.container = container;
    this.handlers = handlers;
    this.stats = stats;  // key -> {now, peak}
    this.rois = [];
    this.keys = [];
    this.colors = [];
    this.selected = new Set();
    this.filter = '';
    this.sort = 'name';
    this.order = [];
    this.cursor = 0;  // position in `order`
    this.rendered = new Map();  // position in `order` -> row element
    this.sortedAt = 0;
    this.spacer = document.createElement('div');
    this.spacer.className = 'roi-spacer';
    container.replaceChildren(this.spacer);
    container.tabIndex = 0;
    container.addEventListener('scroll', () => this.render());
    container.addEventListener('keydown', (e) => this.onKey(e));
  }

  set(rois, keys, colors, selected) {
    const changed = rois !== this.rois;
    this.rois = rois;
    this.keys = keys;
    this.colors = colors;
    this.selected = selected;
    if (changed) this.reorder();
    this.render(true);
  }

  // A new filter or order starts at the top of the list.
  setFilter(text) {
    this.filter = text;
    this.cursor = 0;
    this.reorder();
    this.container.scrollTop = 0;
    this.render(true);
  }

  setSort(mode) {
    this.sort = mode;
    this.cursor = 0;
    this.reorder();
    this.container.scrollTop = 0;
    this.render(true);
  }

  reorder() {
    this.order = filterOrder(sortOrder(this.rois, this.keys, this.sort, this.stats), this.rois, this.filter);
    this.cursor = Math.min(this.cursor, Math.max(0, this.order.length - 1));
    this.sortedAt = performance.now();
  }

  editing() {
    return this.container.contains(document.activeElement) && document.activeElement.type === 'text';
  }

  // The numbers shown, refreshed; a list sorted by them re-sorted at most once a second.
  refresh() {
    if (this.sort !== 'name' && performance.now() - this.sortedAt > 1000 && !this.editing()) {
      this.reorder();
      this.render(true);
      return;
    }
    if (!this.editing()) this.render(true);  // rows left stale by an edit that has ended
    for (const [at, row] of this.rendered) {
      const s = this.stats(this.keys[this.order[at]]);
      row.querySelector('.now').textContent = fmt(s?.now);
      row.querySelector('.peak').textContent = fmt(s?.peak);
    }
  }

  render(all = false) {
    const height = this.container.clientHeight || 300;
    this.spacer.style.height = `${this.order.length * ROW_HEIGHT}px`;
    // A list grown shorter than where it was scrolled to: back into it.
    const most = Math.max(0, this.order.length * ROW_HEIGHT - height);
    if (this.container.scrollTop > most) this.container.scrollTop = most;
    const first = Math.max(0, Math.floor(this.container.scrollTop / ROW_HEIGHT) - 4);
    const last = Math.min(this.order.length, Math.ceil((this.container.scrollTop + height) / ROW_HEIGHT) + 4);
    for (const [at, row] of this.rendered) {
      // A row whose ROI moved or changed is made again; one being edited stays until the edit ends.
      const stale = all && !row.contains(document.activeElement) && !this.current(row, at);
      if (at < first || at >= last || stale) { row.remove(); this.rendered.delete(at); }
    }
    for (let at = first; at < last; at += 1) {
      let row = this.rendered.get(at);
      if (!row) {
        row = this.row(at);
        this.rendered.set(at, row);
        this.spacer.append(row);
      }
      const key = this.keys[this.order[at]];
      row.classList.toggle('selected', this.selected.has(key));
      row.classList.toggle('cursor', at === this.cursor);
      row.querySelector('input[type=checkbox]').checked = this.selected.has(key);
    }
  }

  // Whether a row still shows the ROI at `at`, as it is.
  current(row, at) {
    const i = this.order[at];
    return i !== undefined && row.dataset.key === this.keys[i] && row.dataset.name === this.rois[i].name &&
           row.dataset.color === this.colors[i];
  }

  row(at) {
    const i = this.order[at];
    const roi = this.rois[i];
    const key = this.keys[i];
    const row = document.createElement('div');
    row.className = 'roi';
    row.style.top = `${at * ROW_HEIGHT}px`;
    row.dataset.name = roi.name;
    row.dataset.key = key;
    row.dataset.color = this.colors[i];
    row.title = `${roi.baseline ?? ''}; neuropil ${roi.neuropil_source ?? ''}`;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = this.colors[i];
    const check = Object.assign(document.createElement('input'), { type: 'checkbox', checked: this.selected.has(key) });
    check.addEventListener('change', () => this.handlers.onToggle(key, check.checked));
    const name = Object.assign(document.createElement('input'), { type: 'text', value: roi.name });
    name.addEventListener('change', () => this.handlers.onRename(key, name.value));
    const s = this.stats(key);
    const now = Object.assign(document.createElement('span'), { className: 'now', textContent: fmt(s?.now) });
    const peak = Object.assign(document.createElement('span'), { className: 'peak', textContent: fmt(s?.peak) });
    const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: 'delete' });
    remove.addEventListener('click', () => this.handlers.onDelete(key));
    row.addEventListener('mousedown', (e) => {
      if (e.target.tagName === 'INPUT' || e.target.tagName === 'BUTTON') return;
      this.cursor = at;
      this.handlers.onToggle(key, !this.selected.has(key));
    });
    row.append(swatch, check, name, now, peak, remove);
    return row;
  }

  // Scrolls so that the cursor's row is in view.
  reveal() {
    const top = this.cursor * ROW_HEIGHT;
    const height = this.container.clientHeight || 300;
    if (top < this.container.scrollTop) this.container.scrollTop = top;
    else if (top + ROW_HEIGHT > this.container.scrollTop + height) this.container.scrollTop = top + ROW_HEIGHT - height;
  }

  // Moves the cursor to the ROI at `index` (a position in the ROI set), if it is listed.
  showRoi(index) {
    const at = this.order.indexOf(index);
    if (at < 0) return;
    this.cursor = at;
    this.reveal();
    this.render(true);
  }

  onKey(event) {
    if (event.target.tagName === 'INPUT' || this.order.length === 0) return;
    const key = this.keys[this.order[this.cursor]];
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      this.cursor = Math.min(this.order.length - 1, Math.max(0, this.cursor + (event.key === 'ArrowDown' ? 1 : -1)));
      this.reveal();
      this.render(true);
    } else if (event.key === ' ') {
      this.handlers.onToggle(key, !this.selected.has(key));
    } else if (event.key === 'Enter') {
      this.handlers.onOnly(key);
    } else {
      return;
    }
    event.preventDefault();
  }
}
