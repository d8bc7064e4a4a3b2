/**
 * Where things go on a static plot (SVG, PNG): margins, the panels stacked on one time axis, each with a
 * legend row above it. Known before any row arrives, so the downsampler gets one time column per pixel of
 * the plot area.
 */

/** Space around and between the panels, in pixels. */
export const MARGIN = { top: 66, right: 24, bottom: 42, left: 76 } as const;
/** The legend row above each panel. */
export const LEGEND_ROW = 20;
/** Between one panel's bottom and the next legend row. */
export const PANEL_GAP = 12;
/** The smallest panel worth drawing. */
export const MIN_PANEL_HEIGHT = 40;
/** Default plot height per panel, when no height is given. */
export const DEFAULT_PANEL_HEIGHT = 190;
export const DEFAULT_WIDTH = 1400;

export interface PanelBox {
  /** Top of the legend row. */
  legendTop: number;
  /** The plot rectangle. */
  top: number;
  bottom: number;
}

export interface Layout {
  width: number;
  height: number;
  left: number;
  right: number;
  panels: PanelBox[];
}

/** Height that gives each of `panels` panels the default panel height. */
export function defaultHeight(panels: number): number {
  return MARGIN.top + MARGIN.bottom + panels * (LEGEND_ROW + DEFAULT_PANEL_HEIGHT) + (panels - 1) * PANEL_GAP;
}

/** Smallest height that fits `panels` panels. */
export function minHeight(panels: number): number {
  return MARGIN.top + MARGIN.bottom + panels * (LEGEND_ROW + MIN_PANEL_HEIGHT) + (panels - 1) * PANEL_GAP;
}

/** Smallest width: room for the axis labels and a plot area of 100 px. */
export const MIN_WIDTH = MARGIN.left + MARGIN.right + 100;

/** The plot area's width in whole pixels: one downsampling column each. */
export function plotColumns(width: number): number {
  return Math.max(1, Math.floor(width - MARGIN.left - MARGIN.right));
}

export function layout(width: number, height: number, panels: number): Layout {
  const available = height - MARGIN.top - MARGIN.bottom - panels * LEGEND_ROW - (panels - 1) * PANEL_GAP;
  const panelHeight = available / panels;
  const boxes: PanelBox[] = [];
  let y = MARGIN.top;
  for (let i = 0; i < panels; i++) {
    const top = y + LEGEND_ROW;
    boxes.push({ legendTop: y, top, bottom: top + panelHeight });
    y = top + panelHeight + PANEL_GAP;
  }
  return { width, height, left: MARGIN.left, right: MARGIN.left + plotColumns(width), panels: boxes };
}
