/**
 * "Export SVG": the visible space-time diagram as a standalone SVG file for
 * slides. The diagram draws with attribute colours (no CSS classes needed),
 * so the export is its two SVG layers with the canvas's arrows between
 * them as paths (the same drawing), without the invisible message buttons
 * and the accessibility attributes, plus a background, the lane labels
 * (HTML buttons in the page) as text, and the font inline.
 */
import { drawingSvg, type Drawing } from './spaceTimeDrawing';
import { EXPORT_LABEL_WIDTH, laneY, type SpaceTimePalette } from './spaceTimeLayout';

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const DROPPED_ATTRIBUTES = /^(aria-|data-|role$|tabindex$|class$|style$)/;

/** The standalone SVG text of the diagram: `back` (lanes, axis), `drawing` (arrows), `front` (marks), lanes labelled `Node N`. */
export function standaloneSvg(
  { back, front }: { back: SVGSVGElement; front: SVGSVGElement },
  { drawing, shift }: { drawing: Drawing; shift: number },
  ids: readonly number[],
  palette: SpaceTimePalette,
  title: string,
): string {
  const svg = front;
  const doc = svg.ownerDocument;
  const width = Number(svg.getAttribute('width')) || 0;
  const height = Number(svg.getAttribute('height')) || 0;
  const out = doc.createElementNS(SVG_NS, 'svg');
  const total = width + EXPORT_LABEL_WIDTH;
  out.setAttribute('width', String(total));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${total} ${height}`);
  out.setAttribute('font-family', FONT);
  const titleEl = doc.createElementNS(SVG_NS, 'title');
  titleEl.textContent = title;
  out.appendChild(titleEl);
  const background = doc.createElementNS(SVG_NS, 'rect');
  for (const [k, v] of [
    ['width', String(total)],
    ['height', String(height)],
    ['fill', palette.background],
  ])
    background.setAttribute(k!, v!);
  out.appendChild(background);
  for (const id of ids) {
    const label = doc.createElementNS(SVG_NS, 'text');
    label.setAttribute('x', '6');
    label.setAttribute('y', String(laneY(id) + 4));
    label.setAttribute('font-size', '12');
    label.setAttribute('fill', palette.text);
    label.textContent = `Node ${id}`;
    out.appendChild(label);
  }
  // A nested <svg> clips the arrows that start before the visible range, as the page's does.
  const plot = doc.createElementNS(SVG_NS, 'svg');
  plot.setAttribute('x', String(EXPORT_LABEL_WIDTH));
  plot.setAttribute('width', String(width));
  plot.setAttribute('height', String(height));
  const layer = (source: SVGSVGElement) => {
    const clone = source.cloneNode(true) as SVGSVGElement;
    for (const hit of clone.querySelectorAll('[data-st-hit]')) hit.remove();
    for (const el of clone.querySelectorAll('*')) {
      for (const name of el.getAttributeNames()) if (DROPPED_ATTRIBUTES.test(name)) el.removeAttribute(name);
    }
    while (clone.firstChild) plot.appendChild(clone.firstChild);
  };
  layer(back);
  plot.appendChild(drawingSvg(doc, drawing, palette, shift));
  layer(front);
  out.appendChild(plot);
  return new XMLSerializer().serializeToString(out);
}

/** Offers `text` as a file download (where the browser can). */
export function downloadSvg(text: string, fileName: string): void {
  if (typeof URL.createObjectURL !== 'function') return;
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
