/**
 * SVG → PNG with resvg (`@resvg/resvg-js`: the Rust renderer as a prebuilt N-API binary, one optional
 * package per platform, no install script, no browser). It is loaded on first use, so the SDK loads on a
 * platform without a prebuilt binary and only PNG output fails there, with a message that says so.
 * Rendering runs on libuv's thread pool (`renderAsync`), off the event loop.
 */
import { createRequire } from 'node:module';
import type * as Resvg from '@resvg/resvg-js';

type ResvgModule = typeof Resvg;
let loaded: ResvgModule | undefined;

/** Raised when the platform has no resvg binary. */
export class PngUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      `PNG output needs @resvg/resvg-js, which has no prebuilt binary for ${process.platform}-${process.arch} here ` +
        `(${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}); write .svg or .html instead`,
      { cause },
    );
    this.name = 'PngUnavailableError';
  }
}

function resvg(): ResvgModule {
  if (!loaded) {
    try {
      loaded = createRequire(__filename)('@resvg/resvg-js') as ResvgModule;
    } catch (error) {
      throw new PngUnavailableError(error);
    }
  }
  return loaded;
}

export interface PngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. */
  width: number;
  /** Font files to use besides the system's (TrueType/OpenType), e.g. on a server without fonts. */
  fontFiles?: string[];
  signal?: AbortSignal;
}

/** The PNG of `svg`, `width` pixels wide, on a white background. */
export async function svgToPng(svg: string, options: PngOptions): Promise<Buffer> {
  const { renderAsync } = resvg();
  const image = await renderAsync(
    svg,
    {
      fitTo: { mode: 'width', value: options.width },
      background: '#FFFFFF',
      font: {
        loadSystemFonts: true,
        // resvg falls back to any installed font when none of the SVG's families is there.
        ...(options.fontFiles && options.fontFiles.length > 0 ? { fontFiles: options.fontFiles } : {}),
      },
      logLevel: 'off',
    },
    options.signal ?? null,
  );
  return image.asPng();
}
