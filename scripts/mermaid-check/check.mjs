// Parses each Mermaid file given as an argument with the real mermaid parser
// (in a jsdom window, as mermaid expects a DOM) and exits 1 if any fails.
//
// With --max-width N it also lays each diagram out with mermaid's own
// renderer and exits 1 if one is wider than N px: GitHub shows a diagram at
// most as wide as the comment column and scales a wider one down, text and
// all. jsdom has no layout engine, so the text boxes mermaid measures are
// estimated here: every character as wide as an average DejaVu Sans / Verdana
// glyph at mermaid's 16 px (the widest fonts of its font stack; Trebuchet MS
// is narrower), lines 1.5 em high, and a label wrapped at its max-width (200
// px for node labels) as a browser wraps it. The estimate is a bound for
// layout decisions, not a pixel-exact render: see `width` in the output.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'fs';

const args = process.argv.slice(2);
let maxWidth = 0;
if (args[0] === '--max-width') {
  maxWidth = Number(args[1]);
  args.splice(0, 2);
}

const dom = new JSDOM('<!DOCTYPE html><body></body>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
if (maxWidth) installTextMetrics(dom.window);
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const [i, file] of args.entries()) {
  const text = readFileSync(file, 'utf8');
  try {
    const r = await mermaid.parse(text);
    if (!maxWidth) {
      console.log(`ok ${file} ${r.diagramType}`);
      continue;
    }
    const { svg } = await mermaid.render(`d${i}`, text);
    const w = Number((svg.match(/max-width:\s*([\d.]+)px/) || [])[1]);
    if (!(w > 0) || w > maxWidth) {
      failed++;
      console.log(`FAIL ${file} ${r.diagramType} width ${Math.round(w)} > ${maxWidth}`);
    } else {
      console.log(`ok ${file} ${r.diagramType} width ${Math.round(w)}`);
    }
  } catch (e) {
    failed++;
    console.log(`FAIL ${file}: ${e.message || e}`);
  }
}
process.exit(failed ? 1 : 0);

// installTextMetrics gives jsdom the measurements mermaid's layout asks for:
// getBoundingClientRect of an HTML label, getBBox of SVG elements (a group
// is the union of its children, moved by their translate()), and the text
// length of SVG text.
function installTextMetrics(window) {
  for (const k of ['CSSStyleSheet', 'Element', 'SVGElement', 'HTMLElement', 'Node']) {
    if (!(k in globalThis)) globalThis[k] = window[k];
  }
  const charWidth = 9.6, lineHeight = 24;
  const textBox = (el, wrapAt = Infinity) => {
    const lines = (el.innerHTML ?? el.textContent ?? '')
      .split(/<br\s*\/?>/i)
      .map((l) => l.replace(/<[^>]*>/g, '').replace(/&[#a-z0-9]+;/gi, 'x'));
    let width = 0, rows = 0;
    for (const l of lines) {
      const w = [...l].length * charWidth;
      rows += Math.max(1, Math.ceil(w / wrapAt));
      width = Math.max(width, Math.min(w, wrapAt));
    }
    return { x: 0, y: 0, width, height: rows * lineHeight };
  };
  const num = (el, a) => parseFloat(el.getAttribute(a)) || 0;
  const union = (a, b) => {
    if (!a) return b;
    const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
    return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
  };
  const points = (nums) => {
    let box = null;
    for (let i = 0; i + 1 < nums.length; i += 2) box = union(box, { x: nums[i], y: nums[i + 1], width: 0, height: 0 });
    return box;
  };
  const bbox = (el) => {
    switch (el.tagName.toLowerCase()) {
      case 'style': case 'defs': case 'marker': case 'title': case 'desc':
        return null;
      case 'rect': case 'foreignobject': case 'image':
        return { x: num(el, 'x'), y: num(el, 'y'), width: num(el, 'width'), height: num(el, 'height') };
      case 'circle': {
        const r = num(el, 'r');
        return { x: num(el, 'cx') - r, y: num(el, 'cy') - r, width: 2 * r, height: 2 * r };
      }
      case 'text': case 'tspan': {
        const b = textBox(el);
        return { ...b, x: num(el, 'x'), y: num(el, 'y') - b.height };
      }
      case 'polygon': case 'polyline':
        return points((el.getAttribute('points') || '').trim().split(/[\s,]+/).map(Number));
      case 'path': case 'line':
        return points(((el.getAttribute('d') || '').match(/-?\d+(\.\d+)?(e-?\d+)?/g) || []).map(Number));
    }
    let box = null;
    for (const c of el.children) {
      let b = bbox(c);
      if (!b) continue;
      const m = (c.getAttribute('transform') || '').match(/translate\(\s*(-?[\d.e-]+)[ ,]*(-?[\d.e-]+)?\s*\)/);
      if (m) b = { ...b, x: b.x + parseFloat(m[1]), y: b.y + parseFloat(m[2] || 0) };
      box = union(box, b);
    }
    return box || (el.textContent ? textBox(el) : null);
  };
  window.SVGElement.prototype.getBBox = function () {
    return bbox(this) || { x: 0, y: 0, width: 0, height: 0 };
  };
  window.SVGElement.prototype.getComputedTextLength = function () {
    return textBox(this).width;
  };
  window.Element.prototype.getBoundingClientRect = function () {
    const b = textBox(this, parseFloat(this.style?.maxWidth) || Infinity);
    return { ...b, left: 0, top: 0, right: b.width, bottom: b.height };
  };
}
