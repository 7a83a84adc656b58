/** Pieces shared by the benchmark's SVG charts. */

/** One colour per path, in the order paths are listed. */
export const PALETTE = ["#6b7280", "#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2"];

export const FONT = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif";

/** The opening tags: white background, title and optional subtitle, centred. */
export function svgHead(width: number, height: number, title: string, subtitle?: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(title)}</text>`,
    ...(subtitle ? [`<text x="${width / 2}" y="42" text-anchor="middle" fill="#4b5563">${esc(subtitle)}</text>`] : []),
  ];
}

/** 1, 2, 2.5, 5 × 10^n at or above v: an axis end that reads well. */
export function niceCeiling(v: number): number {
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= v) return m * exp;
  return 10 * exp;
}

/** 3 significant digits at most: 0.72, 13.2, 284. */
export function fmt(v: number): string {
  if (v === 0) return "0";
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
