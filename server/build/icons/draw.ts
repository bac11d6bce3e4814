import type { Rgba } from './png.ts';

/**
 * Orchestra's mark, drawn from geometry rather than downloaded: a small task graph
 * (one plan fanning out to agents and joining again) on an indigo-to-violet tile.
 * Coordinates are fractions of the icon's side.
 */
const nodes = [
  { x: 0.5, y: 0.27, r: 0.085 },
  { x: 0.28, y: 0.52, r: 0.07 },
  { x: 0.5, y: 0.52, r: 0.07 },
  { x: 0.72, y: 0.52, r: 0.07 },
  { x: 0.5, y: 0.76, r: 0.085 },
];
const edges: [number, number][] = [
  [0, 1],
  [0, 2],
  [0, 3],
  [1, 4],
  [2, 4],
  [3, 4],
];
const edgeWidth = 0.035;
const from = [0x4f, 0x46, 0xe5];
const to = [0x93, 0x33, 0xea];

export interface IconShape {
  size: number;
  /** Rounded tile with a transparent outside (`any`), or a full-bleed square (`maskable`, Apple). */
  fullBleed: boolean;
  /** How much of the side the graph spans; maskable icons keep it inside the safe circle. */
  scale: number;
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return Math.sqrt(ex * ex + ey * ey);
}

function insideRoundedTile(x: number, y: number): boolean {
  const radius = 0.22;
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
}

/**
 * The colour of one point, written into `out` as [r, g, b, a] with a in 0..1
 * (no allocation: this runs some ten million times per `npm run icons`).
 */
function sample(shape: IconShape, x: number, y: number, out: Float64Array): void {
  if (!shape.fullBleed && !insideRoundedTile(x, y)) {
    out.fill(0);
    return;
  }
  out[3] = 1;
  // Scale the graph about the centre.
  const gx = 0.5 + (x - 0.5) / shape.scale;
  const gy = 0.5 + (y - 0.5) / shape.scale;
  for (const node of nodes) {
    if ((gx - node.x) * (gx - node.x) + (gy - node.y) * (gy - node.y) <= node.r * node.r) {
      out[0] = out[1] = out[2] = 255;
      return;
    }
  }
  const t = (x + y) / 2;
  const onEdge = edges.some(([a, b]) => {
    const na = nodes[a];
    const nb = nodes[b];
    return na && nb && distanceToSegment(gx, gy, na.x, na.y, nb.x, nb.y) <= edgeWidth / 2;
  });
  for (let i = 0; i < 3; i++) {
    const start = from[i] ?? 0;
    const c = start + ((to[i] ?? start) - start) * t;
    out[i] = onEdge ? c + (255 - c) * 0.6 : c;
  }
}

/** Rasterises the mark with 4×4 supersampling for smooth edges. */
export function drawIcon(shape: IconShape): Rgba {
  const { size } = shape;
  const pixels = new Uint8Array(size * size * 4);
  const grid = 4;
  const point = new Float64Array(4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < grid; sy++) {
        for (let sx = 0; sx < grid; sx++) {
          sample(shape, (px + (sx + 0.5) / grid) / size, (py + (sy + 0.5) / grid) / size, point);
          const alpha = point[3] ?? 0;
          r += (point[0] ?? 0) * alpha;
          g += (point[1] ?? 0) * alpha;
          b += (point[2] ?? 0) * alpha;
          a += alpha;
        }
      }
      const at = (py * size + px) * 4;
      if (a > 0) {
        pixels[at] = Math.round(r / a);
        pixels[at + 1] = Math.round(g / a);
        pixels[at + 2] = Math.round(b / a);
      }
      pixels[at + 3] = Math.round((a / (grid * grid)) * 255);
    }
  }
  return { width: size, height: size, pixels };
}

/** The same mark as SVG, for the favicon and the header. */
export function iconSvg(): string {
  const hex = (rgb: number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  const s = (n: number) => +(n * 100).toFixed(2);
  const lines = edges
    .map(([a, b]) => {
      const na = nodes[a];
      const nb = nodes[b];
      return na && nb ? `<line x1="${s(na.x)}" y1="${s(na.y)}" x2="${s(nb.x)}" y2="${s(nb.y)}"/>` : '';
    })
    .join('');
  const circles = nodes.map((node) => `<circle cx="${s(node.x)}" cy="${s(node.y)}" r="${s(node.r)}"/>`).join('');
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">',
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hex(from)}"/><stop offset="1" stop-color="${hex(to)}"/></linearGradient></defs>`,
    '<rect width="100" height="100" rx="22" fill="url(#g)"/>',
    `<g stroke="#fff" stroke-opacity="0.6" stroke-width="${s(edgeWidth)}">${lines}</g>`,
    `<g fill="#fff">${circles}</g>`,
    '</svg>',
    '',
  ].join('');
}

/** Every icon the app ships, by file name under `web/public/icons/`. */
export const iconFiles: Readonly<Record<`${string}.png`, IconShape>> = {
  'icon-192.png': { size: 192, fullBleed: false, scale: 1 },
  'icon-512.png': { size: 512, fullBleed: false, scale: 1 },
  // Maskable: the platform crops to any shape inside the central 80% circle.
  'icon-maskable-512.png': { size: 512, fullBleed: true, scale: 0.72 },
  'apple-touch-icon.png': { size: 180, fullBleed: true, scale: 0.9 },
};
