/** Money and date formatting for the accounting pages (amounts are stored in minor units). */

/** How many minor-unit digits a currency has (2 for USD/EUR, 0 for JPY, …). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number, currency: string, language = "en"): string {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(language, { style: "currency", currency }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** Minor units → the plain major-unit string a form input shows ("12.50"). */
export function minorToInput(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return "";
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** "YYYY-MM-DD" or an ISO timestamp → a short localised date. */
export function formatDate(value: string | null | undefined, language = "en"): string {
  if (!value) return "—";
  const date = new Date(value.length === 10 ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

export function formatDateTime(value: string | null | undefined, language = "en", timeZone = "UTC"): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
  } catch {
    return date.toISOString().slice(0, 16).replace("T", " ");
  }
}
