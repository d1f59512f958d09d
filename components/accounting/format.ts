/**
 * Money and date formatting for the accounting pages (amounts are stored in minor units).
 * Everything goes through lib/settings/format.ts with the tenant's locale settings
 * (language, time zone, date and number format); a bare language tag is accepted for
 * callers outside a tenant and uses the default formats.
 */
import {
  DEFAULT_LOCALE,
  formatDate as formatLocaleDate,
  formatDateTime as formatLocaleDateTime,
  formatMoney as formatLocaleMoney,
  formatMonth as formatLocaleMonth,
  formatMoneyRounded as formatLocaleMoneyRounded,
  formatNumber as formatLocaleNumber,
  minorDigits,
  type LocaleFormat,
} from "@/lib/settings/format";

export { minorDigits, type LocaleFormat };

export type LocaleLike = LocaleFormat | string;

function localeOf(locale: LocaleLike | undefined, timeZone?: string): LocaleFormat {
  const base = typeof locale === "string" ? { ...DEFAULT_LOCALE, language: locale } : (locale ?? DEFAULT_LOCALE);
  return timeZone ? { ...base, timezone: timeZone } : base;
}

export function formatMoney(minor: number, currency: string, locale?: LocaleLike): string {
  return formatLocaleMoney(minor, currency, localeOf(locale));
}

export function formatMoneyRounded(value: number, currency: string, locale?: LocaleLike): string {
  return formatLocaleMoneyRounded(value, currency, localeOf(locale));
}

export function formatNumber(value: number, locale?: LocaleLike, fractionDigits?: number): string {
  return formatLocaleNumber(value, localeOf(locale), fractionDigits);
}

/** Minor units → the plain major-unit string a form input shows ("12.50"). */
export function minorToInput(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return "";
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** "YYYY-MM-DD" (a calendar date, shown as is) or an instant (shown as the tenant's day). */
export function formatDate(value: string | null | undefined, locale?: LocaleLike): string {
  return formatLocaleDate(value, localeOf(locale));
}

export function formatDateTime(value: string | null | undefined, locale?: LocaleLike, timeZone?: string): string {
  return formatLocaleDateTime(value, localeOf(locale, timeZone));
}

export function formatMonth(value: string, locale?: LocaleLike): string {
  return formatLocaleMonth(value, localeOf(locale));
}
