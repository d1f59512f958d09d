/**
 * How a tenant's amounts and dates look, from its locale settings: the language decides
 * month names and where the currency symbol goes, the number format decides the grouping
 * and decimal marks, the date format the order of day, month and year, and the time zone
 * turns instants (sent, paid, audit times) into the tenant's wall-clock time. Calendar
 * dates (an invoice's issue date, "YYYY-MM-DD") are shown as they are, never shifted.
 * Pure Intl: usable in server and client components alike.
 */

export interface LocaleFormat {
  language: string;
  timezone: string;
  currency: string;
  dateFormat: string;
  numberFormat: string;
}

export const DEFAULT_LOCALE: LocaleFormat = {
  language: "en",
  timezone: "UTC",
  currency: "USD",
  dateFormat: "YYYY-MM-DD",
  numberFormat: "1,234.56",
};

/** Grouping and decimal marks of each number format; null grouping = none. */
const MARKS: Record<string, { group: string | null; decimal: string }> = {
  "1,234.56": { group: ",", decimal: "." },
  "1.234,56": { group: ".", decimal: "," },
  "1 234,56": { group: "\u202f", decimal: "," },
  "1'234.56": { group: "'", decimal: "." },
  "1234.56": { group: null, decimal: "." },
};

function marksOf(format: string) {
  return MARKS[format] ?? MARKS["1,234.56"];
}

function safeLanguage(language: string): string {
  try {
    return Intl.getCanonicalLocales(language)[0] ?? "en";
  } catch {
    return "en";
  }
}

/** How many minor-unit digits a currency has (2 for USD/EUR, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

function withMarks(format: Intl.NumberFormat, value: number, numberFormat: string): string {
  const marks = marksOf(numberFormat);
  return format
    .formatToParts(value)
    .map((part) => (part.type === "group" ? (marks.group ?? "") : part.type === "decimal" ? marks.decimal : part.value))
    .join("");
}

function numberFormatter(locale: LocaleFormat, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const useGrouping = marksOf(locale.numberFormat).group !== null;
  try {
    return new Intl.NumberFormat(safeLanguage(locale.language), { ...options, useGrouping });
  } catch {
    const { currency: _currency, style: _style, ...plain } = options;
    return new Intl.NumberFormat("en", { ...plain, useGrouping });
  }
}

/** An amount in minor units (1250 → "$12.50" / "12,50 €" …) in `currency` (default the tenant's). */
export function formatMoney(minor: number, currency: string, locale: LocaleFormat): string {
  const digits = minorDigits(currency);
  const value = minor / 10 ** digits;
  try {
    new Intl.NumberFormat("en", { style: "currency", currency });
  } catch {
    return `${withMarks(numberFormatter(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }), value, locale.numberFormat)} ${currency}`;
  }
  return withMarks(numberFormatter(locale, { style: "currency", currency }), value, locale.numberFormat);
}

/** A whole amount in major units for chart axes ("$12K" style is left to the chart). */
export function formatMoneyRounded(value: number, currency: string, locale: LocaleFormat): string {
  try {
    return withMarks(
      numberFormatter(locale, { style: "currency", currency, maximumFractionDigits: 0 }),
      value,
      locale.numberFormat,
    );
  } catch {
    return `${Math.round(value)} ${currency}`;
  }
}

export function formatNumber(value: number, locale: LocaleFormat, fractionDigits?: number): string {
  const options: Intl.NumberFormatOptions =
    fractionDigits === undefined
      ? {}
      : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits };
  return withMarks(numberFormatter(locale, options), value, locale.numberFormat);
}

interface DateParts {
  year: number;
  month: number;
  day: number;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function safeZone(timezone: string): string {
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
    return timezone;
  } catch {
    return "UTC";
  }
}

/** The calendar day of an instant in a time zone. */
function partsIn(date: Date, timezone: string): DateParts {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: safeZone(timezone),
    year: "numeric",
    month: "numeric",
    day: "numeric",
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

function monthName(month: number, language: string): string {
  return new Intl.DateTimeFormat(safeLanguage(language), { month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(2000, month - 1, 15)),
  );
}

function render(parts: DateParts, locale: LocaleFormat): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return locale.dateFormat.replace(/YYYY|MMM|MM|DD|D/g, (token) => {
    switch (token) {
      case "YYYY":
        return String(parts.year);
      case "MMM":
        return monthName(parts.month, locale.language);
      case "MM":
        return pad(parts.month);
      case "DD":
        return pad(parts.day);
      default:
        return String(parts.day);
    }
  });
}

function toDate(value: string | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * A date in the tenant's date format. "YYYY-MM-DD" strings are calendar dates and shown
 * as they are; instants (ISO timestamps, Date) are shown as the day in the tenant's zone.
 */
export function formatDate(value: string | Date | null | undefined, locale: LocaleFormat): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string") {
    const match = DATE_ONLY.exec(value);
    if (match) return render({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }, locale);
  }
  const date = toDate(value);
  if (!date) return String(value);
  return render(partsIn(date, locale.timezone), locale);
}

/** An instant as date (tenant's format) and time (language's clock) in the tenant's zone. */
export function formatDateTime(value: string | Date | null | undefined, locale: LocaleFormat): string {
  if (value === null || value === undefined || value === "") return "—";
  const date = toDate(value);
  if (!date) return String(value);
  const time = new Intl.DateTimeFormat(safeLanguage(locale.language), {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: safeZone(locale.timezone),
  }).format(date);
  return `${render(partsIn(date, locale.timezone), locale)} ${time}`;
}

/** A short month label for charts ("Jan 26"), from a "YYYY-MM" or date string. */
export function formatMonth(value: string, locale: LocaleFormat): string {
  const date = toDate(value.length === 7 ? `${value}-01T00:00:00Z` : value);
  if (!date) return value;
  return new Intl.DateTimeFormat(safeLanguage(locale.language), {
    month: "short",
    year: "2-digit",
    timeZone: "UTC",
  }).format(date);
}

/** A formatter bound to one tenant's locale, for pages that format many values. */
export function localeFormatter(locale: LocaleFormat) {
  return {
    locale,
    money: (minor: number, currency: string = locale.currency) => formatMoney(minor, currency, locale),
    number: (value: number, fractionDigits?: number) => formatNumber(value, locale, fractionDigits),
    date: (value: string | Date | null | undefined) => formatDate(value, locale),
    dateTime: (value: string | Date | null | undefined) => formatDateTime(value, locale),
  };
}
