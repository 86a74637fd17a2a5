import zlib from 'node:zlib';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { uniqueEmail } from '../support/hub';

/**
 * Hostile bytes shared by the doors: XML entity tricks and parser limits, encodings, invoices whose facts are not
 * what they look like, and ZIP archives that lie. Each builder makes fresh bytes (a new invoice number), so a
 * case never collides with another one's earlier delivery.
 */

/** A complete, valid UBL invoice with a fresh number; `edit` rewrites its XML text. */
export function invoice(edit: (xml: string) => string = (xml) => xml): Buffer {
  return Buffer.from(
    edit(makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail('hostile') })),
  );
}

const UBL_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">';

export const xxeFile = Buffer.from(
  '<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n' +
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&secret;</ID></Invoice>',
);
export const xxeHttp = Buffer.from(
  '<?xml version="1.0"?>\n<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">\n' +
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
);
export const parameterEntity = Buffer.from(
  '<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>\n' +
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
);

/** Ten levels of ten-fold entity expansion: a gigabyte from a kilobyte ("billion laughs"). */
export const billionLaughs = Buffer.from(
  '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('') +
    ']>\n<lolz>&lol9;</lolz>',
);

/** Elements nested `depth` levels deep. */
export function deepNesting(depth = 100_000): Buffer {
  return Buffer.from(`${UBL_HEAD}${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</Invoice>`);
}

/** An attribute of `length` characters (the parser's limit is 64 KiB). */
export function hugeAttribute(length = 200_000): Buffer {
  return invoice((xml) => xml.replace('<cbc:ID>', `<cbc:ID schemeID="${'A'.repeat(length)}">`));
}

export function manyAttributes(count = 1_000): Buffer {
  const attributes = Array.from({ length: count }, (_, i) => `a${i}="x"`).join(' ');
  return Buffer.from(`${UBL_HEAD}<Note ${attributes}/></Invoice>`);
}

/** A text node of `bytes` bytes: over MAX_INVOICE_BYTES in the suite's hub, so refused by the door's size limit. */
export function hugeText(bytes: number): Buffer {
  return invoice((xml) =>
    xml.replace('<cbc:BuyerReference>', `<cbc:Note>${'x'.repeat(bytes)}</cbc:Note><cbc:BuyerReference>`),
  );
}

/** Many small elements: over the parser's 500,000-element limit within 2 MiB. */
export const manyElements = Buffer.from(`${UBL_HEAD}${'<a/>'.repeat(510_000)}</Invoice>`);

/** A valid invoice with one byte that is not UTF-8 (a lone continuation byte) in a name. */
export function invalidUtf8(): Buffer {
  const bytes = invoice();
  const at = bytes.indexOf('Buyer Ltd');
  bytes[at] = 0x80;
  return bytes;
}

/** UTF-8 with one name written in Windows-1251 (a file pasted together from two systems). */
export function mixedEncoding(): Buffer {
  const text = invoice().toString('utf8');
  const at = text.indexOf('Buyer Ltd');
  // "Фирма" in Windows-1251: 0xD4 0xE8 0xF0 0xEC 0xE0, a lead byte followed by lead bytes in UTF-8 terms.
  return Buffer.concat([
    Buffer.from(text.slice(0, at), 'utf8'),
    Buffer.from([0xd4, 0xe8, 0xf0, 0xec, 0xe0]),
    Buffer.from(text.slice(at + 'Buyer'.length), 'utf8'),
  ]);
}

/** Declares UTF-16 but has no byte order mark (and is really UTF-8). */
export function utf16WithoutBom(): Buffer {
  return invoice((xml) => xml.replace('encoding="UTF-8"', 'encoding="UTF-16"'));
}

export function unknownEncoding(): Buffer {
  return invoice((xml) => xml.replace('encoding="UTF-8"', 'encoding="x-klingon-7"'));
}

/** A document cut off in the middle, as a dropped upload leaves it. */
export function truncated(): Buffer {
  const whole = invoice();
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/**
 * Signature wrapping: the signed part is copied beside a forged one under the same Id, so a verifier that looks the
 * reference up by Id checks the copy while a reader sees the forgery.
 */
export function signatureWrapping(): Buffer {
  return invoice((xml) =>
    xml
      .replace('<Invoice ', '<Invoice Id="signed-invoice" ')
      .replace(
        '<cbc:CustomizationID>',
        '<cbc:UBLExtensions><Original xmlns="urn:example:wrap" Id="signed-invoice"/></cbc:UBLExtensions><cbc:CustomizationID>',
      ),
  );
}

/** Two elements with one Id that is not about a signature at all. */
export function duplicateIds(): Buffer {
  return invoice((xml) =>
    xml
      .replace('<cbc:BuyerReference>', '<cbc:BuyerReference Id="dup">')
      .replace('<cbc:InvoiceTypeCode>', '<cbc:InvoiceTypeCode Id="dup">'),
  );
}

/** The invoice number with `replace` applied to it (look-alike letters and digits). */
export function lookAlikeNumber(replace: (number: string) => string): Buffer {
  return invoice((xml) =>
    xml.replace(/<cbc:ID>(\d{10})<\/cbc:ID>/, (_, n: string) => `<cbc:ID>${replace(n)}</cbc:ID>`),
  );
}

/** The amount due (BT-115) written as `amount`. */
export function payableAmount(amount: string): Buffer {
  return invoice((xml) =>
    xml.replace(/(<cbc:PayableAmount currencyID="EUR">)[^<]*(<\/cbc:PayableAmount>)/, `$1${amount}$2`),
  );
}

/** The first line's quantity (BT-129) written as `quantity`. */
export function lineQuantity(quantity: string): Buffer {
  return invoice((xml) => xml.replace(/(<cbc:InvoicedQuantity unitCode="C62">)[^<]*/, `$1${quantity}`));
}

export function issueDate(date: string): Buffer {
  return invoice((xml) => xml.replace(/<cbc:IssueDate>[^<]*/, `<cbc:IssueDate>${date}`));
}

export function dueDate(date: string): Buffer {
  return invoice((xml) => xml.replace(/<cbc:DueDate>[^<]*/, `<cbc:DueDate>${date}`));
}

/** Replaces Latin letters of a number prefix with Cyrillic look-alikes: "INV" with Cyrillic "І" and "Н" inside. */
export const cyrillicInLatin = (number: string): string => `INV-\u0406NV-${number}`;
export const fullWidthDigits = (number: string): string =>
  [...number].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
export const zeroWidthSpace = (number: string): string => `${number.slice(0, 5)}\u200b${number.slice(5)}`;
export const arabicIndicDigits = (number: string): string =>
  [...number].map((d) => String.fromCharCode(0x0660 + Number(d))).join('');

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Store instead of deflate. */
  stored?: boolean;
  /** Sizes the headers claim instead of the true ones (a bomb that lies). */
  claimedSize?: number;
  /** General purpose flag bits (bit 0: encrypted). */
  flags?: number;
}

/** A ZIP archive written by hand, so its headers can say what a hostile archive says. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const body = entry.stored ? entry.data : zlib.deflateRawSync(entry.data);
    const crc = zlib.crc32(entry.data);
    const size = entry.claimedSize ?? entry.data.length;
    const method = entry.stored ? 0 : 8;
    const flags = (entry.flags ?? 0) | 0x0800; // names are UTF-8
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

let fiftyMiB: Buffer | undefined;

/** 50 MiB of zeros, made once (before any case is measured). */
export function zeros(): Buffer {
  fiftyMiB ??= Buffer.alloc(50 * 1024 * 1024);
  return fiftyMiB;
}

let bomb: Buffer | undefined;
let lyingBomb: Buffer | undefined;

/** 50 MiB of zeros beside an invoice in about 50 KB, its headers telling the truth: the ratio limit must stop it. */
export function zipBomb(): Buffer {
  bomb ??= zip([
    { name: 'real.xml', data: invoice() },
    { name: 'zeros.xml', data: zeros() },
  ]);
  return bomb;
}

/** The same zeros with headers claiming 1 KB: sizes must be counted while inflating, not read from the headers. */
export function lyingZipBomb(): Buffer {
  lyingBomb ??= zip([{ name: 'small.xml', data: zeros(), claimedSize: 1024 }]);
  return lyingBomb;
}

export function nestedZip(): Buffer {
  return zip([{ name: 'inner.zip', data: zip([{ name: 'a.xml', data: invoice() }]) }]);
}

export function traversingZip(): Buffer {
  return zip([{ name: '../../../etc/cron.d/evil.xml', data: invoice() }]);
}

export function truncatedZip(): Buffer {
  const whole = zip([{ name: 'a.xml', data: invoice() }]);
  return whole.subarray(0, whole.length - 30);
}
