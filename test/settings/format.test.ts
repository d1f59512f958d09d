import { describe, expect, it } from "vitest";
import {
  DEFAULT_LOCALE,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  type LocaleFormat,
} from "@/lib/settings/format";

/** The tenant's locale settings decide how amounts and dates read on every accounting page. */

const locale = (over: Partial<LocaleFormat>): LocaleFormat => ({ ...DEFAULT_LOCALE, ...over });
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("amounts", () => {
  it("use the tenant's number format for grouping and decimals, and the currency's minor digits", () => {
    expect(formatMoney(123456789, "USD", locale({}))).toBe("$1,234,567.89");
    expect(plain(formatMoney(123456789, "EUR", locale({ language: "de", numberFormat: "1.234,56" })))).toBe(
      "1.234.567,89 €",
    );
    expect(plain(formatMoney(123456789, "EUR", locale({ language: "fr", numberFormat: "1 234,56" })))).toBe(
      "1 234 567,89 €",
    );
    expect(plain(formatMoney(123456789, "CHF", locale({ language: "en", numberFormat: "1'234.56" })))).toBe(
      "CHF 1'234'567.89",
    );
    expect(formatMoney(123456789, "USD", locale({ numberFormat: "1234.56" }))).toBe("$1234567.89");
    // JPY has no minor unit: 1500 minor units are ¥1,500.
    expect(formatMoney(1500, "JPY", locale({}))).toBe("¥1,500");
    expect(formatNumber(1234567, locale({ numberFormat: "1.234,56" }))).toBe("1.234.567");
  });
});

describe("dates", () => {
  it("follow the date format; calendar dates are never shifted by the time zone", () => {
    const day = "2026-03-09";
    expect(formatDate(day, locale({}))).toBe("2026-03-09");
    expect(formatDate(day, locale({ dateFormat: "DD/MM/YYYY", timezone: "Pacific/Kiritimati" }))).toBe("09/03/2026");
    expect(formatDate(day, locale({ dateFormat: "MM/DD/YYYY", timezone: "Pacific/Pago_Pago" }))).toBe("03/09/2026");
    expect(formatDate(day, locale({ dateFormat: "DD.MM.YYYY" }))).toBe("09.03.2026");
    expect(formatDate(day, locale({ dateFormat: "D MMM YYYY", language: "de" }))).toBe("9 Mär 2026");
    expect(formatDate(day, locale({ dateFormat: "MMM D, YYYY" }))).toBe("Mar 9, 2026");
    expect(formatDate(null, locale({}))).toBe("—");
  });

  it("show an instant as the day and time in the tenant's zone", () => {
    const instant = "2026-03-09T23:30:00.000Z";
    expect(formatDate(instant, locale({ timezone: "UTC" }))).toBe("2026-03-09");
    expect(formatDate(instant, locale({ timezone: "Europe/Berlin" }))).toBe("2026-03-10");
    expect(formatDateTime(instant, locale({ timezone: "Asia/Tokyo", language: "en-GB" }))).toBe("2026-03-10 08:30");
    expect(
      formatDateTime(instant, locale({ timezone: "America/New_York", language: "en-GB", dateFormat: "DD/MM/YYYY" })),
    ).toBe("09/03/2026 19:30");
  });
});
