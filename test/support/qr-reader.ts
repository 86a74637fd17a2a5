import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/**
 * Reads QR codes back for tests, as a payer's banking app would: from a PNG (a browser screenshot of the code on
 * the page) or from the SVG the API sends (its dark modules drawn as pixels first). Returns the payload as UTF-8.
 */
export function readQrPng(png: Buffer): string {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error('no QR code found in the image');
  return Buffer.from(code.binaryData).toString('utf8');
}

/** The `qrcode` package's SVG: one path of "M x y.5 h n m dx dy …" runs, one unit per module. */
export function readQrSvg(svg: string, pixelsPerModule = 4): string {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const runs = /<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/.exec(svg)?.[1];
  if (!size || !runs) throw new Error('not an SVG QR code of the qrcode package');
  const dark: boolean[][] = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of runs.matchAll(/([Mmh])(-?[\d.]+)(?:\s+(-?[\d.]+))?/g)) {
    if (op === 'M') [x, y] = [Number(a), Number(b)];
    else if (op === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      for (let i = 0; i < Number(a); i++) dark[Math.floor(y)][x + i] = true;
      x += Number(a);
    }
  }
  const side = size * pixelsPerModule;
  const png = new PNG({ width: side, height: side });
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const on = dark[Math.floor(py / pixelsPerModule)][Math.floor(px / pixelsPerModule)];
      png.data.set(on ? [0, 0, 0, 255] : [255, 255, 255, 255], (py * side + px) * 4);
    }
  }
  return readQrPng(PNG.sync.write(png));
}
