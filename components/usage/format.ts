/** Figures of quotas and usage as people read them: "1,024", "12.5 MB", "unlimited". */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${units[unit]}`;
}

export function formatFigure(value: number, unit: "count" | "bytes"): string {
  return unit === "bytes" ? formatBytes(value) : value.toLocaleString("en-US");
}

export function formatLimit(limit: number | null, unit: "count" | "bytes"): string {
  return limit === null ? "unlimited" : formatFigure(limit, unit);
}
