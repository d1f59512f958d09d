import jsQR from "jsqr";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { QrCode } from "@/components/settings/qr-code";
import { otpauthUri } from "@/lib/auth/mfa";

/**
 * The QR code of the two-step set-up: the SVG the page renders is read back square by square
 * and decoded with a QR reader (jsQR, as a phone's camera would), and must give exactly the
 * otpauth:// link — the key, the account and the issuer an authenticator app imports.
 */

/** The dark squares of the rendered SVG as an RGBA image, `scale` pixels per module. */
function rasterize(svg: string, scale = 4): { data: Uint8ClampedArray; side: number } {
  const side = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1]);
  const dark = new Set<string>();
  for (const [, x, y] of svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) dark.add(`${x},${y}`);
  const pixels = side * scale;
  const data = new Uint8ClampedArray(pixels * pixels * 4).fill(255);
  for (let py = 0; py < pixels; py++)
    for (let px = 0; px < pixels; px++)
      if (dark.has(`${Math.floor(px / scale)},${Math.floor(py / scale)}`)) {
        const i = (py * pixels + px) * 4;
        data[i] = data[i + 1] = data[i + 2] = 0;
      }
  return { data, side: pixels };
}

describe("the set-up QR code", () => {
  it("decodes to exactly the otpauth:// link of the enrolment", () => {
    const uri = otpauthUri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "alice@acme.test", "Acme Accounting (LogiAccounting)");
    const svg = renderToStaticMarkup(createElement(QrCode, { text: uri, label: "QR code" }));
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="QR code"');
    const image = rasterize(svg);
    const decoded = jsQR(image.data, image.side, image.side);
    expect(decoded?.data).toBe(uri);
  });

  it("a different link gives a different code", () => {
    const a = renderToStaticMarkup(createElement(QrCode, { text: "otpauth://totp/A?secret=AAAA", label: "a" }));
    const b = renderToStaticMarkup(createElement(QrCode, { text: "otpauth://totp/A?secret=BBBB", label: "b" }));
    expect(jsQR(rasterize(a).data, rasterize(a).side, rasterize(a).side)?.data).toBe("otpauth://totp/A?secret=AAAA");
    expect(jsQR(rasterize(b).data, rasterize(b).side, rasterize(b).side)?.data).toBe("otpauth://totp/A?secret=BBBB");
  });
});
