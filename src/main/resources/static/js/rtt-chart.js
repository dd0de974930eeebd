/**
 * The round trip of every acked heartbeat over the last few minutes, as plain SVG: one point per
 * ack, the slow-rtt threshold as a dashed line, and vertical marks where the interval changed or
 * the connection was lost. No library: a few dozen elements redrawn on each ack.
 *
 * Built with createElementNS and textContent only. Sizes come from the element's own box, so the
 * chart is as wide as its card and text is never stretched.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

const MARGIN = Object.freeze({ top: 22, right: 14, bottom: 26, left: 46 });

/** The smallest of 1, 2 or 5 times a power of ten that is at least value. */
export function niceStep(value) {
  if (!(value > 0)) {
    return 1;
  }
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * magnitude >= value) {
      return factor * magnitude;
    }
  }
  return 10 * magnitude;
}

/** An SVG element with these attributes and, if given, this text (as textContent). */
export function svgElement(name, attributes = {}, text = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    node.setAttribute(key, String(value));
  }
  if (text !== null) {
    node.textContent = text;
  }
  return node;
}

export class RttChart {
  #svg;
  #windowMs;
  #minSpanMs;
  #threshold;
  #labels;
  #now;
  #points = [];
  #marks = [];
  #segment = 0;

  /**
   * @param {SVGSVGElement} svg an empty <svg> whose CSS gives it a width and a height
   * @param {object} options
   * @param {number} options.threshold the slow-rtt line (ms)
   * @param {number} [options.windowMs] how far back the chart reaches (default 3 minutes)
   * @param {number} [options.minSpanMs] the narrowest time axis, so the first points are not squeezed to one edge
   * @param {object} options.labels the text: axis (the unit over the y axis), ms(value), ago(ms), now,
   *   threshold(ms), reconnect(code), interval(ms)
   * @param {() => number} [options.now] epoch ms, replaced in tests
   */
  constructor(svg, { threshold, windowMs = 180_000, minSpanMs = 20_000, labels, now = () => Date.now() }) {
    this.#svg = svg;
    this.#threshold = threshold;
    this.#windowMs = windowMs;
    this.#minSpanMs = Math.min(minSpanMs, windowMs);
    this.#labels = labels;
    this.#now = now;
  }

  get points() {
    return this.#points.map(({ at, rtt }) => ({ at, rtt }));
  }

  get marks() {
    return this.#marks.map(({ at, kind, label }) => ({ at, kind, label }));
  }

  set threshold(ms) {
    this.#threshold = ms;
  }

  addAck(at, rtt) {
    this.#points.push({ at, rtt, segment: this.#segment });
  }

  /** The client moved to another interval; slow tells which way. */
  markInterval(at, to, slow) {
    this.#marks.push({ at, kind: slow ? 'slow' : 'fast', label: this.#labels.interval(to) });
  }

  /** The connection was lost (code); the RTT line breaks here. */
  markReconnect(at, code) {
    this.#marks.push({ at, kind: 'reconnect', label: this.#labels.reconnect(code) });
    this.#segment += 1;
  }

  clear() {
    this.#points = [];
    this.#marks = [];
  }

  render() {
    const now = this.#now();
    const oldest = now - this.#windowMs;
    this.#points = this.#points.filter((p) => p.at >= oldest);
    this.#marks = this.#marks.filter((m) => m.at >= oldest);

    const width = Math.max(200, Math.round(this.#svg.clientWidth || 600));
    const height = Math.max(120, Math.round(this.#svg.clientHeight || 220));
    this.#svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const plot = {
      left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom,
    };

    // Time axis: from the first thing worth showing (at most windowMs back, at least minSpanMs) to now.
    const earliest = Math.min(now, ...this.#points.map((p) => p.at), ...this.#marks.map((m) => m.at));
    const span = Math.min(this.#windowMs, Math.max(this.#minSpanMs, (now - earliest) * 1.05));
    const start = now - span;
    const x = (at) => plot.left + ((at - start) / span) * (plot.right - plot.left);

    const highest = Math.max(this.#threshold * 1.3, ...this.#points.map((p) => p.rtt * 1.1), 10);
    const yStep = niceStep(highest / 4);
    const yMax = Math.ceil(highest / yStep) * yStep;
    const y = (rtt) => plot.bottom - (Math.min(rtt, yMax) / yMax) * (plot.bottom - plot.top);

    const grid = svgElement('g', { class: 'chart-grid' });
    for (let value = 0; value <= yMax; value += yStep) {
      grid.append(
        svgElement('line', { x1: plot.left, x2: plot.right, y1: y(value), y2: y(value) }),
        svgElement('text', { x: plot.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, String(value)),
      );
    }
    grid.append(svgElement('text', { class: 'chart-axis', x: plot.left - 6, y: plot.top - 10, 'text-anchor': 'end' }, this.#labels.axis));
    // About one time label per 90 px, so a phone's chart is not crowded.
    const xStep = niceStep(span / 1000 / Math.max(2, Math.floor((plot.right - plot.left) / 90))) * 1000;
    for (let ago = 0; ago <= span; ago += xStep) {
      const at = x(now - ago);
      grid.append(
        svgElement('line', { class: 'chart-tick', x1: at, x2: at, y1: plot.bottom, y2: plot.bottom + 4 }),
        svgElement('text', { x: at, y: height - 6, 'text-anchor': ago === 0 ? 'end' : 'middle' },
          ago === 0 ? this.#labels.now : this.#labels.ago(ago)),
      );
    }

    const threshold = svgElement('g', { class: 'chart-threshold' });
    threshold.append(
      svgElement('line', { x1: plot.left, x2: plot.right, y1: y(this.#threshold), y2: y(this.#threshold) }),
      svgElement('text', { x: plot.left + 6, y: y(this.#threshold) - 5 }, this.#labels.threshold(this.#threshold)),
    );

    const marks = svgElement('g', { class: 'chart-marks' });
    // Labels of marks close together go on separate rows rather than on top of each other.
    const rowEnds = [];
    for (const mark of this.#marks) {
      const at = x(mark.at);
      // Near the right edge the label goes to the left of its line, so it is not cut off.
      const leftward = at > plot.right - 90;
      const from = leftward ? at - 84 : at;
      let row = rowEnds.findIndex((end) => end < from);
      if (row === -1) {
        row = rowEnds.length;
      }
      rowEnds[row] = from + 84;
      const labelY = plot.top + 10 + (row % 4) * 13;
      const group = svgElement('g', { class: `chart-mark chart-mark-${mark.kind}` });
      group.dataset.kind = mark.kind;
      group.append(
        svgElement('line', { x1: at, x2: at, y1: plot.top, y2: plot.bottom }),
        leftward
          ? svgElement('text', { x: at - 4, y: labelY, 'text-anchor': 'end' }, mark.label)
          : svgElement('text', { x: at + 4, y: labelY }, mark.label),
      );
      marks.append(group);
    }

    let path = '';
    let segment = null;
    for (const point of this.#points) {
      path += `${point.segment === segment ? 'L' : 'M'}${x(point.at).toFixed(1)},${y(point.rtt).toFixed(1)}`;
      segment = point.segment;
    }
    const line = svgElement('path', { class: 'chart-line', d: path || 'M0,0' });

    const dots = svgElement('g', { class: 'chart-points' });
    for (const point of this.#points) {
      const dot = svgElement('circle', {
        class: point.rtt > this.#threshold ? 'chart-point chart-point-slow' : 'chart-point',
        cx: x(point.at).toFixed(1), cy: y(point.rtt).toFixed(1), r: 3.5,
      });
      dot.append(svgElement('title', {}, this.#labels.ms(point.rtt)));
      dots.append(dot);
    }

    this.#svg.dataset.points = String(this.#points.length);
    this.#svg.dataset.marks = String(this.#marks.length);
    const title = this.#svg.querySelector('title');
    this.#svg.replaceChildren(...(title ? [title] : []), grid, threshold, marks, line, dots);
  }
}
