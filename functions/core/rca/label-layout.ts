/**
 * Where chart labels go so that none overlaps another or leaves the canvas. Text boxes are
 * estimated from font size × character count (no font metrics in core): the same estimate the
 * chart tests check the SVG geometry with, generous enough for common sans-serif fonts.
 */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export type Anchor = 'start' | 'middle' | 'end';

export interface TextPlacement {
  x: number;
  /** Baseline. */
  y: number;
  anchor: Anchor;
}

/** Average advance of a character, as a fraction of the font size (bold a little wider). */
export const CHAR_WIDTH = 0.6;
export const BOLD_CHAR_WIDTH = 0.66;

/** The box a text occupies: from ascent (0.8 em above the baseline) to descent (0.25 em below). */
export function textBox(text: string, fontSize: number, at: TextPlacement, bold = false): Box {
  const width = [...text].length * fontSize * (bold ? BOLD_CHAR_WIDTH : CHAR_WIDTH);
  const x0 = at.anchor === 'start' ? at.x : at.anchor === 'middle' ? at.x - width / 2 : at.x - width;
  return { x0, y0: at.y - fontSize * 0.8, x1: x0 + width, y1: at.y + fontSize * 0.25 };
}

export function intersects(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

export function inside(box: Box, canvas: Box): boolean {
  return box.x0 >= canvas.x0 && box.x1 <= canvas.x1 && box.y0 >= canvas.y0 && box.y1 <= canvas.y1;
}

/**
 * Places labels one by one: each takes the first of its candidate positions that stays on the
 * canvas and clear of every box placed before it (fixed boxes such as axis labels included).
 * A label with no free candidate is left out rather than drawn over another: the marker line
 * or threshold line it belongs to is still there, and the legend names it.
 */
export class LabelLayout {
  private readonly taken: Box[] = [];

  constructor(private readonly canvas: Box) {}

  /** Reserves a box that is drawn anyway (ticks, titles, legend). */
  reserve(box: Box): void {
    this.taken.push(box);
  }

  place(
    text: string,
    fontSize: number,
    candidates: readonly TextPlacement[],
    bold = false,
  ): TextPlacement | undefined {
    for (const candidate of candidates) {
      const box = textBox(text, fontSize, candidate, bold);
      if (!inside(box, this.canvas)) continue;
      if (this.taken.some((other) => intersects(box, other))) continue;
      this.taken.push(box);
      return candidate;
    }
    return undefined;
  }
}
