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
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideRoundedTile(x: number, y: number): boolean {
  const radius = 0.22;
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

/** The colour of one point: [r, g, b, a] with a in 0..1. */
function sample(shape: IconShape, x: number, y: number): [number, number, number, number] {
  if (!shape.fullBleed && !insideRoundedTile(x, y)) return [0, 0, 0, 0];
  const t = (x + y) / 2;
  let color = from.map((start, i) => start + ((to[i] ?? start) - start) * t) as [number, number, number];
  // Scale the graph about the centre.
  const gx = 0.5 + (x - 0.5) / shape.scale;
  const gy = 0.5 + (y - 0.5) / shape.scale;
  const onEdge = edges.some(([a, b]) => {
    const na = nodes[a];
    const nb = nodes[b];
    return na && nb && distanceToSegment(gx, gy, na.x, na.y, nb.x, nb.y) <= edgeWidth / 2;
  });
  if (onEdge) color = color.map((c) => c + (255 - c) * 0.6) as [number, number, number];
  if (nodes.some((node) => Math.hypot(gx - node.x, gy - node.y) <= node.r)) color = [255, 255, 255];
  return [color[0], color[1], color[2], 1];
}

/** Rasterises the mark with 4×4 supersampling for smooth edges. */
export function drawIcon(shape: IconShape): Rgba {
  const { size } = shape;
  const pixels = new Uint8Array(size * size * 4);
  const grid = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < grid; sy++) {
        for (let sx = 0; sx < grid; sx++) {
          const [sr, sg, sb, sa] = sample(shape, (px + (sx + 0.5) / grid) / size, (py + (sy + 0.5) / grid) / size);
          r += sr * sa;
          g += sg * sa;
          b += sb * sa;
          a += sa;
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

/** Every icon the app ships, by file name under `public/icons/`. */
export const iconFiles: Record<string, IconShape> = {
  'icon-192.png': { size: 192, fullBleed: false, scale: 1 },
  'icon-512.png': { size: 512, fullBleed: false, scale: 1 },
  // Maskable: the platform crops to any shape inside the central 80% circle.
  'icon-maskable-512.png': { size: 512, fullBleed: true, scale: 0.72 },
  'apple-touch-icon.png': { size: 180, fullBleed: true, scale: 0.9 },
};
