import { create } from "qrcode";

/**
 * A QR code as inline SVG, one square per dark module, drawn from the encoder's matrix (no
 * image file, no innerHTML). Used for the otpauth:// link of the two-step set-up, which an
 * authenticator app scans instead of the key being typed.
 */
export function QrCode({ text, label, size = 192 }: { text: string; label: string; size?: number }) {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  const QUIET = 4;
  const side = modules.size + QUIET * 2;
  let path = "";
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++)
      if (modules.get(row, col)) path += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${side} ${side}`}
      width={size}
      height={size}
      shapeRendering="crispEdges"
      data-testid="qr-code"
      data-modules={modules.size}
    >
      <rect width={side} height={side} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
