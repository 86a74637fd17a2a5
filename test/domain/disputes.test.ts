import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadConfig } from '../../platform/config';
import {
  actionRefusal,
  attachmentFileName,
  availableActions,
  decisionRefusal,
  DISPUTE_CATEGORIES,
  isDisputeCategory,
  MAX_ATTACHMENT_BYTES,
  MAX_DISPUTE_TEXT,
  openRefusal,
  sniffAttachment,
  statusAfter,
  textRefusal,
  type DisputeFacts,
} from '../../domain/disputes';

/**
 * Disputes' plain rules: what may be attached (decided by the bytes), and the state machine the workflow's
 * validators, the gateway and the portal share. Fixtures were made by independent producers: Chromium (PNG, JPEG
 * screenshots, print-to-PDF), poppler (pdftoppm progressive JPEG, pdftocairo PNG, pdfunite PDF) and pdfkit.
 */
const FIXTURES = path.join(__dirname, 'fixtures', 'disputes');
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));

describe('attachments are known by their content', () => {
  it.each([
    ['delivery-note.pdf', 'application/pdf'],
    ['unite.pdf', 'application/pdf'],
    ['pdfkit.pdf', 'application/pdf'],
    ['delivery-note.png', 'image/png'],
    ['cairo.png', 'image/png'],
    ['photo.jpg', 'image/jpeg'],
    ['progressive.jpg', 'image/jpeg'],
  ])('accepts %s as %s', (name, type) => {
    expect(sniffAttachment(fixture(name))).toMatchObject({ ok: true, contentType: type });
  });

  it('takes a PNG renamed .pdf for the PNG it is, and names the download .png', () => {
    const result = sniffAttachment(fixture('delivery-note.png'));
    expect(result).toMatchObject({ ok: true, contentType: 'image/png' });
    expect(attachmentFileName('Стокова разписка.pdf', 'image/png')).toBe('Стокова разписка.png');
  });

  it('takes a PDF with a JPEG extension for the PDF it is', () => {
    expect(sniffAttachment(fixture('delivery-note.pdf'))).toMatchObject({
      ok: true,
      contentType: 'application/pdf',
    });
    expect(attachmentFileName('scan.jpg', 'application/pdf')).toBe('scan.pdf');
    expect(attachmentFileName('photo.JPEG', 'image/jpeg')).toBe('photo.JPEG');
  });

  it('accepts exactly 5 MiB and refuses 5 MiB + 1 byte, saying the limit', () => {
    const exact = padPdf(MAX_ATTACHMENT_BYTES);
    expect(exact.length).toBe(MAX_ATTACHMENT_BYTES);
    expect(sniffAttachment(exact)).toMatchObject({ ok: true, contentType: 'application/pdf' });
    const over = padPdf(MAX_ATTACHMENT_BYTES + 1);
    expect(sniffAttachment(over)).toEqual({
      ok: false,
      code: 'TOO_LARGE',
      reason: `The file has ${MAX_ATTACHMENT_BYTES + 1} bytes; an attachment may have at most 5 MiB (5242880 bytes).`,
    });
  });

  it('refuses an HTML page that claims to be image/png (the claim is never read)', () => {
    const html = new TextEncoder().encode(
      '<!DOCTYPE html><html><script>alert(document.cookie)</script></html>',
    );
    expect(sniffAttachment(html)).toMatchObject({ ok: false, code: 'NOT_ALLOWED', found: 'html' });
    expect((sniffAttachment(html) as { reason: string }).reason).toMatch(/HTML document.*PDF, PNG or JPEG/);
    const indented = new TextEncoder().encode('\ufeff\n   <html><body>hi</body></html>');
    expect(sniffAttachment(indented)).toMatchObject({ found: 'html' });
  });

  it('refuses a ZIP archive, and says Word and Excel files are ZIP archives too', () => {
    const zip = zipOf('invoice.pdf', fixture('delivery-note.pdf'));
    const result = sniffAttachment(zip);
    expect(result).toMatchObject({ ok: false, code: 'NOT_ALLOWED', found: 'zip' });
    expect((result as { reason: string }).reason).toMatch(/ZIP archive \(Word and Excel/);
  });

  it.each([
    ['an SVG image', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', 'svg'],
    ['a GIF image', 'GIF89a\x01\x00\x01\x00', 'gif'],
    ['a text file', 'Delivery note 42\n3 pallets\n', 'text'],
    ['a program', 'MZ\x90\x00\x03\x00\x00\x00', 'executable'],
  ])('refuses %s', (_what, content, found) => {
    const bytes = Uint8Array.from(content, (c) => c.charCodeAt(0));
    expect(sniffAttachment(bytes)).toMatchObject({ ok: false, code: 'NOT_ALLOWED', found });
  });

  it('refuses a HEIC photo with the advice to export it as JPEG', () => {
    const heic = Uint8Array.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', (c) => c.charCodeAt(0));
    const result = sniffAttachment(heic);
    expect(result).toMatchObject({ found: 'heic' });
    expect((result as { reason: string }).reason).toMatch(/export it as JPEG/);
  });

  it('refuses an empty file', () => {
    expect(sniffAttachment(new Uint8Array(0))).toMatchObject({ ok: false, code: 'EMPTY' });
  });

  it('refuses files that only start like PDF, PNG or JPEG (the structure is walked)', () => {
    const pdf = fixture('delivery-note.pdf');
    const png = fixture('delivery-note.png');
    const jpeg = fixture('photo.jpg');
    const cases: [Uint8Array, RegExp][] = [
      [pdf.subarray(0, pdf.length - 200), /startxref.*cut off/],
      [Uint8Array.from('%PDF-1.7\n<script>alert(1)</script>', (c) => c.charCodeAt(0)), /startxref/],
      [withStartxref(pdf, 5), /outside the file|does not point/],
      [png.subarray(0, png.length - 20), /PNG but is not a complete one/],
      [flipByte(png, 26), /IHDR fails its checksum/],
      [concat(png, zipOf('x.txt', new Uint8Array([1, 2, 3]))), /data follows the end of the image/],
      [jpeg.subarray(0, jpeg.length - 2), /end-of-image marker/],
      [Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]), /JPEG but is not a complete one/],
    ];
    for (const [bytes, reason] of cases) {
      const result = sniffAttachment(bytes);
      expect(result).toMatchObject({ ok: false, code: 'DAMAGED' });
      expect((result as { reason: string }).reason).toMatch(reason);
    }
  });

  it('accepts a PDF whose cross-reference is a stream object, and PDF 2.0', () => {
    const body = '%PDF-2.0\n1 0 obj <</Type/Catalog>> endobj\n';
    const xref = body.length;
    const pdf = `${body}2 0 obj <</Type/XRef/Size 3>> stream\nendstream endobj\nstartxref\n${xref}\n%%EOF\n`;
    expect(sniffAttachment(Uint8Array.from(pdf, (c) => c.charCodeAt(0)))).toMatchObject({ ok: true });
  });

  it('accepts bytes after a JPEG end marker (phones append motion photos there)', () => {
    const jpeg = concat(fixture('photo.jpg'), new TextEncoder().encode('ftypmp42 motion photo video'));
    expect(sniffAttachment(jpeg)).toMatchObject({ ok: true, contentType: 'image/jpeg' });
  });

  it('keeps file names harmless: no folders, quotes or control characters, 120 characters at most', () => {
    expect(attachmentFileName('C:\\Users\\ivan\\"bad"\u0007name.png', 'image/png')).toBe('badname.png');
    expect(attachmentFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(attachmentFileName(undefined, 'image/jpeg')).toBe('attachment.jpg');
    expect(attachmentFileName('notes.exe', 'application/pdf')).toBe('notes.exe.pdf');
    const long = attachmentFileName(`${'я'.repeat(300)}.pdf`, 'application/pdf');
    expect(long).toHaveLength(120);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});

describe('the dispute state machine', () => {
  const facts = (status: DisputeFacts['status'], reopens = 0): DisputeFacts => ({ status, reopens });

  it('knows the six reason categories', () => {
    expect(DISPUTE_CATEGORIES).toEqual([
      'wrong-amount',
      'wrong-quantity',
      'goods-not-received',
      'not-ours',
      'duplicate',
      'other',
    ]);
    expect(isDisputeCategory('duplicate')).toBe(true);
    expect(isDisputeCategory('too-expensive')).toBe(false);
  });

  it('moves open → upheld → closed and open → rejected → open (reopened)', () => {
    expect(statusAfter('opened', 'open')).toBe('open');
    expect(statusAfter('message', 'upheld')).toBe('upheld');
    expect(statusAfter('upheld', 'open')).toBe('upheld');
    expect(statusAfter('closed', 'upheld')).toBe('closed');
    expect(statusAfter('rejected', 'open')).toBe('rejected');
    expect(statusAfter('reopened', 'rejected')).toBe('open');
  });

  it('lets both sides write while open or upheld; nobody in a closed one; the recipient reopens a rejected one', () => {
    expect(availableActions('recipient', facts('open'))).toEqual(['reply']);
    expect(availableActions('issuer', facts('open'))).toEqual(['reply', 'decide']);
    expect(availableActions('issuer', facts('upheld'))).toEqual(['reply']);
    expect(availableActions('recipient', facts('upheld'))).toEqual(['reply']);
    expect(availableActions('recipient', facts('rejected'))).toEqual(['reopen']);
    expect(availableActions('issuer', facts('rejected'))).toEqual([]);
    expect(availableActions('recipient', facts('closed'))).toEqual([]);
    expect(availableActions('issuer', facts('closed'))).toEqual([]);
  });

  it('reopens a rejected dispute once only', () => {
    expect(actionRefusal('recipient', 'reopen', facts('rejected', 1))).toMatchObject({
      code: 'ALREADY_REOPENED',
    });
    expect(availableActions('recipient', facts('rejected', 1))).toEqual([]);
    expect(actionRefusal('recipient', 'reopen', facts('open'))).toMatchObject({ code: 'NOT_REJECTED' });
    expect(actionRefusal('issuer', 'reopen', facts('rejected'))).toMatchObject({
      code: 'ONLY_RECIPIENT_REOPENS',
    });
  });

  it('lets only the issuer decide, and only an open dispute', () => {
    expect(actionRefusal('recipient', 'decide', facts('open'))).toMatchObject({
      code: 'ONLY_ISSUER_DECIDES',
    });
    expect(actionRefusal('issuer', 'decide', facts('upheld'))).toMatchObject({ code: 'DISPUTE_NOT_OPEN' });
    expect(actionRefusal('issuer', 'decide', facts('rejected'))).toMatchObject({ code: 'DISPUTE_NOT_OPEN' });
  });

  it('opens one dispute at a time, and none beside a rejected one (reopen it instead)', () => {
    expect(openRefusal([])).toBeUndefined();
    expect(openRefusal([facts('closed')])).toBeUndefined();
    expect(openRefusal([facts('closed'), facts('open')])).toMatchObject({ code: 'DISPUTE_ACTIVE' });
    expect(openRefusal([facts('upheld')])).toMatchObject({ code: 'DISPUTE_ACTIVE' });
    expect(openRefusal([facts('rejected', 1)])).toMatchObject({ code: 'DISPUTE_REJECTED' });
  });

  it('needs words: a message text, and the reason of a rejection', () => {
    expect(textRefusal('   ')).toMatchObject({ code: 'TEXT_REQUIRED' });
    expect(textRefusal('x'.repeat(MAX_DISPUTE_TEXT + 1))).toMatchObject({ code: 'TEXT_TOO_LONG' });
    expect(textRefusal('Line 2 was not delivered')).toBeUndefined();
    expect(decisionRefusal('rejected', '')).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(decisionRefusal('rejected', 'Signed delivery note attached')).toBeUndefined();
    expect(decisionRefusal('upheld', undefined)).toBeUndefined();
    expect(decisionRefusal('maybe', undefined)).toMatchObject({ code: 'UNKNOWN_OUTCOME' });
  });
});

describe('DISPUTE_REMINDER_DELAY', () => {
  it('defaults to three days, takes Temporal durations, and refuses anything else at start', () => {
    expect(loadConfig({}).disputeReminderDelay).toBe('3d');
    expect(loadConfig({ DISPUTE_REMINDER_DELAY: '2s' }).disputeReminderDelay).toBe('2s');
    expect(loadConfig({ DISPUTE_REMINDER_DELAY: '36 hours' }).disputeReminderDelay).toBe('36 hours');
    expect(() => loadConfig({ DISPUTE_REMINDER_DELAY: 'soon' })).toThrow(
      /DISPUTE_REMINDER_DELAY must be a duration/,
    );
  });
});

/** A valid PDF of exactly `size` bytes: a comment pads it before the cross-reference table. */
function padPdf(size: number): Uint8Array {
  const head = '%PDF-1.4\n1 0 obj <</Type/Catalog>> endobj\n%';
  const tail = (offset: number) =>
    `\nxref\n0 1\n0000000000 65535 f \ntrailer <</Size 1>>\nstartxref\n${offset}\n%%EOF\n`;
  for (let digits = 1; digits < 10; digits++) {
    const padding = size - head.length - (tail(0).length - 1 + digits);
    const offset = head.length + padding + 1; // "xref" follows the newline after the padding
    if (String(offset).length === digits) {
      return Uint8Array.from(head + 'x'.repeat(padding) + tail(offset), (c) => c.charCodeAt(0));
    }
  }
  throw new Error(`cannot pad a PDF to ${size} bytes`);
}

function withStartxref(pdf: Uint8Array, offset: number): Uint8Array {
  const text = Buffer.from(pdf)
    .toString('latin1')
    .replace(/startxref\s+\d+/, `startxref\n${offset}`);
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] ^= 0xff;
  return copy;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

/** A one-entry ZIP archive (local header, deflated data, central directory, end record). */
function zipOf(name: string, content: Uint8Array): Uint8Array {
  const data = zlib.deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const crc = zlib.crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(local.length + nameBytes.length + data.length, 16);
  return new Uint8Array(Buffer.concat([local, nameBytes, data, central, nameBytes, end]));
}
