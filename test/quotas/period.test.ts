import { describe, expect, it } from "vitest";
import { isoDay, recentPeriods, secondsUntilReset, usagePeriod } from "@/lib/usage/period";

const at = (iso: string) => new Date(iso);
const span = (iso: string, day: number) => {
  const p = usagePeriod(at(iso), day);
  return [isoDay(p.start), isoDay(p.end), isoDay(p.next)];
};

describe("usage periods follow usage_reset_day", () => {
  it("reset day 1: calendar months", () => {
    expect(span("2026-03-01T00:00:00Z", 1)).toEqual(["2026-03-01", "2026-03-31", "2026-04-01"]);
    expect(span("2026-03-31T23:59:59.999Z", 1)).toEqual(["2026-03-01", "2026-03-31", "2026-04-01"]);
    expect(span("2026-12-15T12:00:00Z", 1)).toEqual(["2026-12-01", "2026-12-31", "2027-01-01"]);
  });

  it("reset day 15: the period runs from the 15th to the 14th, across the year end", () => {
    expect(span("2026-03-14T23:59:59Z", 15)).toEqual(["2026-02-15", "2026-03-14", "2026-03-15"]);
    expect(span("2026-03-15T00:00:00Z", 15)).toEqual(["2026-03-15", "2026-04-14", "2026-04-15"]);
    expect(span("2027-01-03T00:00:00Z", 15)).toEqual(["2026-12-15", "2027-01-14", "2027-01-15"]);
  });

  it("reset day 31: months without a 31st reset on their last day (February: the 28th, or 29th in a leap year)", () => {
    expect(span("2026-01-31T08:00:00Z", 31)).toEqual(["2026-01-31", "2026-02-27", "2026-02-28"]);
    expect(span("2026-02-27T23:59:59Z", 31)).toEqual(["2026-01-31", "2026-02-27", "2026-02-28"]);
    expect(span("2026-02-28T00:00:00Z", 31)).toEqual(["2026-02-28", "2026-03-30", "2026-03-31"]);
    expect(span("2026-04-30T00:00:00Z", 31)).toEqual(["2026-04-30", "2026-05-30", "2026-05-31"]);
    expect(span("2028-02-29T00:00:00Z", 31)).toEqual(["2028-02-29", "2028-03-30", "2028-03-31"]);
    expect(span("2028-02-28T00:00:00Z", 31)).toEqual(["2028-01-31", "2028-02-28", "2028-02-29"]);
  });

  it("reset day 29 and 30 in February", () => {
    expect(span("2026-02-28T00:00:00Z", 29)).toEqual(["2026-02-28", "2026-03-28", "2026-03-29"]);
    expect(span("2026-02-27T00:00:00Z", 30)).toEqual(["2026-01-30", "2026-02-27", "2026-02-28"]);
  });

  it("every instant of four years lies in exactly one period, and periods tile without gaps", () => {
    for (const day of [1, 15, 28, 29, 30, 31]) {
      let previous = usagePeriod(at("2025-01-01T00:00:00Z"), day);
      for (let t = Date.parse("2025-01-01T00:00:00Z"); t < Date.parse("2029-01-01T00:00:00Z"); t += 6 * 3_600_000) {
        const p = usagePeriod(new Date(t), day);
        expect(p.start.getTime()).toBeLessThanOrEqual(t);
        expect(p.next.getTime()).toBeGreaterThan(t);
        if (p.start.getTime() !== previous.start.getTime()) expect(p.start.getTime()).toBe(previous.next.getTime());
        previous = p;
      }
    }
  });

  it("the last 12 periods, oldest first, end where the next begins", () => {
    const periods = recentPeriods(at("2026-03-10T00:00:00Z"), 31, 12);
    expect(periods).toHaveLength(12);
    expect(isoDay(periods[11].start)).toBe("2026-02-28");
    expect(isoDay(periods[0].start)).toBe("2025-03-31");
    for (let i = 1; i < periods.length; i++) expect(periods[i].start.getTime()).toBe(periods[i - 1].next.getTime());
  });

  it("seconds until the reset, and invalid reset days are refused", () => {
    expect(secondsUntilReset(at("2026-03-31T23:59:00Z"), 1)).toBe(60);
    expect(() => usagePeriod(at("2026-03-01T00:00:00Z"), 0)).toThrow(RangeError);
    expect(() => usagePeriod(at("2026-03-01T00:00:00Z"), 32)).toThrow(RangeError);
  });
});
