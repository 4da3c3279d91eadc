/**
 * Draws the Teams app icons: a three-line checklist (two ticked, one open) in white.
 *   color.png   192×192, glyph on a solid teal square (Teams rounds the corners itself)
 *   outline.png  32×32, the same glyph in pure white on transparent, as Teams requires
 *
 * Regenerate with `npx tsx scripts/make-icons.ts`; the PNGs are committed so packaging
 * never depends on this script, and tests/appPackage.spec.ts fails if they drift from it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

type Point = readonly [number, number];

interface Stroke {
  /** Polyline in glyph space: the unit square, y pointing down. */
  points: readonly Point[];
  /** Half the stroke width, in glyph-space units. */
  radius: number;
}

/** Same teal as the manifest's accentColor, so the icon and Teams' chrome agree. */
export const ICON_BACKGROUND: readonly [number, number, number] = [0x0b, 0x6a, 0x78];

const STROKE = 0.07;
const ROWS = [0.15, 0.5, 0.85];

function checklist(): Stroke[] {
  const strokes: Stroke[] = [];
  ROWS.forEach((y, i) => {
    if (i < ROWS.length - 1) {
      strokes.push({ points: [[0.05, y], [0.125, y + 0.065], [0.27, y - 0.075]], radius: STROKE });
    } else {
      // An open box for the pending item: a checklist where everything is ticked reads as "done".
      const h = 0.095;
      strokes.push({
        points: [[0.06, y - h], [0.26, y - h], [0.26, y + h], [0.06, y + h], [0.06, y - h]],
        radius: STROKE * 0.65,
      });
    }
    strokes.push({ points: [[0.45, y], [0.95, y]], radius: STROKE });
  });
  return strokes;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const [px, py] = p;
  const [ax, ay] = a;
  const [bx, by] = b;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Distance from p to the glyph's edge, in glyph units: negative inside, positive outside. */
function signedDistance(p: Point, strokes: readonly Stroke[]): number {
  let best = Infinity;
  for (const s of strokes) {
    for (let i = 1; i < s.points.length; i++) {
      best = Math.min(best, distanceToSegment(p, s.points[i - 1], s.points[i]) - s.radius);
    }
  }
  return best;
}

/**
 * Fraction of each pixel the glyph covers, by supersampling: anti-aliased edges without a
 * rasteriser dependency. `inset` is the padding, in pixels, around the glyph's unit square.
 * Pixels wholly inside or outside are settled from their centre alone, which gives the same
 * answer as sampling them (no sample is further than half a diagonal from the centre).
 */
function coverage(size: number, inset: number, strokes: readonly Stroke[]): Float64Array {
  const SAMPLES = 8;
  const scale = size - 2 * inset;
  const halfDiagonal = Math.SQRT1_2 / scale;
  const toGlyph = (px: number, py: number): Point => [(px - inset) / scale, (py - inset) / scale];
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = signedDistance(toGlyph(x + 0.5, y + 0.5), strokes);
      if (d > halfDiagonal || d < -halfDiagonal) {
        out[y * size + x] = d < 0 ? 1 : 0;
        continue;
      }
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const sample = toGlyph(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          if (signedDistance(sample, strokes) <= 0) hits++;
        }
      }
      out[y * size + x] = hits / (SAMPLES * SAMPLES);
    }
  }
  return out;
}

export function renderColorIcon(): PNG {
  const size = 192;
  // Teams' guidance keeps the symbol inside the central 96×96 of the colour icon.
  const cover = coverage(size, 48, checklist());
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < cover.length; i++) {
    const c = cover[i];
    for (let ch = 0; ch < 3; ch++) {
      png.data[i * 4 + ch] = Math.round(ICON_BACKGROUND[ch] * (1 - c) + 255 * c);
    }
    png.data[i * 4 + 3] = 255;
  }
  return png;
}

export function renderOutlineIcon(): PNG {
  const size = 32;
  const cover = coverage(size, 4, checklist());
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < cover.length; i++) {
    // Anti-aliasing goes in alpha only: Teams tints the outline icon, so any non-white RGB shows.
    png.data[i * 4] = 255;
    png.data[i * 4 + 1] = 255;
    png.data[i * 4 + 2] = 255;
    png.data[i * 4 + 3] = Math.round(cover[i] * 255);
  }
  return png;
}

export const ICON_DIR = path.resolve(__dirname, '../appPackage');

function main(): void {
  const files: Array<[string, PNG]> = [
    ['color.png', renderColorIcon()],
    ['outline.png', renderOutlineIcon()],
  ];
  for (const [name, png] of files) {
    const file = path.join(ICON_DIR, name);
    fs.writeFileSync(file, PNG.sync.write(png));
    console.log(`wrote ${file} (${png.width}×${png.height})`);
  }
}

if (require.main === module) {
  main();
}
