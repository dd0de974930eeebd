/**
 * A restart storm's reconnects per 100 ms bucket as SVG bars. Two storms are drawn on the same
 * scales (the same number of buckets, the same height), so the fixed delay's single spike and
 * full jitter's low spread can be compared at a glance.
 */

import { niceStep, svgElement as element } from './rtt-chart.js';

const MARGIN = Object.freeze({ top: 14, right: 12, bottom: 28, left: 44 });

/**
 * @param {SVGSVGElement} svg
 * @param {{reconnectsPerBucket: number[], bucketMillis: number}} result a StormResult
 * @param {{buckets: number, highest: number, labels: {seconds: (s: number) => string, count: (n: number) => string}}} scale
 *   shared by the charts shown side by side
 */
export function renderStormChart(svg, result, { buckets, highest, labels }) {
  const width = Math.max(200, Math.round(svg.clientWidth || 480));
  const height = Math.max(120, Math.round(svg.clientHeight || 240));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const slot = (plot.right - plot.left) / Math.max(1, buckets);
  const yStep = niceStep(Math.max(1, highest) / 4);
  const yMax = Math.max(yStep, Math.ceil(highest / yStep) * yStep);
  const y = (count) => plot.bottom - (count / yMax) * (plot.bottom - plot.top);

  const grid = element('g', { class: 'chart-grid' });
  for (let value = 0; value <= yMax; value += yStep) {
    grid.append(
      element('line', { x1: plot.left, x2: plot.right, y1: y(value), y2: y(value) }),
      element('text', { x: plot.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, labels.count(value)),
    );
  }
  const seconds = buckets * result.bucketMillis / 1000;
  const xStep = niceStep(seconds / 6);
  for (let s = 0; s <= seconds + 1e-9; s += xStep) {
    const at = plot.left + (s * 1000 / result.bucketMillis) * slot;
    grid.append(
      element('line', { class: 'chart-tick', x1: at, x2: at, y1: plot.bottom, y2: plot.bottom + 4 }),
      element('text', { x: at, y: height - 8, 'text-anchor': 'middle' }, labels.seconds(Number(s.toFixed(3)))),
    );
  }

  const largest = Math.max(0, ...result.reconnectsPerBucket);
  const bars = element('g', { class: 'storm-bars' });
  result.reconnectsPerBucket.forEach((count, index) => {
    if (count === 0) {
      return;
    }
    const bar = element('rect', {
      class: count === largest ? 'storm-bar storm-bar-largest' : 'storm-bar',
      x: (plot.left + index * slot + Math.min(1, slot * 0.15)).toFixed(1),
      width: Math.max(1, slot - Math.min(2, slot * 0.3)).toFixed(1),
      y: y(count).toFixed(1),
      height: Math.max(1, plot.bottom - y(count)).toFixed(1),
    });
    bar.dataset.bucket = String(index);
    bar.dataset.count = String(count);
    bar.append(element('title', {}, labels.bucket(index * result.bucketMillis, count)));
    bars.append(bar);
  });

  const title = svg.querySelector('title');
  svg.replaceChildren(...(title ? [title] : []), grid, bars);
  svg.dataset.total = String(result.reconnectsPerBucket.reduce((sum, count) => sum + count, 0));
  svg.dataset.largest = String(largest);
}
