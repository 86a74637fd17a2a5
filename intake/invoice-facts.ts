import type { Document, Element } from '../domain/xml';
import type { Invoice } from '../domain/invoice';

/**
 * What intake checks of an invoice before recording it, beyond its being one: the facts the hub keys on and keeps
 * (number, dates, amounts) read as what they look like, and no two elements carry the same Id for a signature
 * reference to pick the wrong one. The rules decide whether an invoice is right; these refuse what nothing after
 * intake could read safely, so such a file is never stored.
 */
export interface FactRefusal {
  code: 'DUPLICATE_ID' | 'CONFUSABLE_INVOICE_NUMBER' | 'INVALID_DATE' | 'INVALID_NUMBER';
  message: string;
}

export function refusedFact(document: Document, invoice: Invoice): FactRefusal | undefined {
  return (
    duplicateId(document) ??
    confusableNumber(invoice.number) ??
    invalidDate(invoice) ??
    invalidNumber(invoice)
  );
}

/** Attribute names XML Signature references resolve (xmldsig, XAdES, the UBL extensions). */
const ID_ATTRIBUTES: ReadonlySet<string> = new Set(['Id', 'ID', 'id']);
const ELEMENT_NODE = 1;

function duplicateId(document: Document): FactRefusal | undefined {
  const seen = new Set<string>();
  const pending: Element[] = document.documentElement ? [document.documentElement] : [];
  for (let element = pending.pop(); element; element = pending.pop()) {
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i);
      if (!attribute || attribute.namespaceURI || !ID_ATTRIBUTES.has(attribute.localName ?? '')) continue;
      if (seen.has(attribute.value)) {
        return {
          code: 'DUPLICATE_ID',
          message:
            `two elements carry the Id "${shown(attribute.value)}" (the second is <${element.tagName}>): ` +
            'an Id names one element, or a signature could be made to cover another one than it shows',
        };
      }
      seen.add(attribute.value);
    }
    for (let child = element.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === ELEMENT_NODE) pending.push(child as Element);
    }
  }
  return undefined;
}

/**
 * The number is how a repeated delivery is recognised: one written with look-alike characters (a Cyrillic "А" among
 * Latin letters, full-width or Arabic-Indic digits, invisible format characters) would pass for a new invoice.
 */
function confusableNumber(number: string): FactRefusal | undefined {
  const refuse = (why: string): FactRefusal => ({
    code: 'CONFUSABLE_INVOICE_NUMBER',
    message: `the invoice number (BT-1) "${shown(number)}" ${why}; write it in one script with the digits 0-9`,
  });
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(number)) return refuse('holds invisible or control characters');
  if (/(?![0-9])\p{Nd}/u.test(number)) return refuse('holds digits other than 0-9');
  const scripts = ['Latin', 'Cyrillic', 'Greek'].filter((script) =>
    new RegExp(`\\p{Script=${script}}`, 'u').test(number),
  );
  if (scripts.length > 1) return refuse(`mixes ${scripts.join(' and ')} letters`);
  if (/[\uff01-\uff5e]/u.test(number)) return refuse('holds full-width characters');
  return undefined;
}

const XSD_DATE = /^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;

function invalidDate(invoice: Invoice): FactRefusal | undefined {
  const dates: [string, string | undefined][] = [
    ['issue date (BT-2)', invoice.issueDate],
    ['due date (BT-9)', invoice.dueDate],
    ['VAT point date (BT-7)', invoice.taxPointDate],
  ];
  for (const [name, value] of dates) {
    const written = value?.trim();
    if (!written) continue; // a missing date is the rules' to report
    const parts = XSD_DATE.exec(written);
    const [year, month, day] = parts ? [Number(parts[1]), Number(parts[2]), Number(parts[3])] : [0, 0, 0];
    const calendar = new Date(Date.UTC(year, month - 1, day));
    if (!parts || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
      return {
        code: 'INVALID_DATE',
        message: `the ${name} "${shown(written)}" is not a calendar date written YYYY-MM-DD`,
      };
    }
  }
  return undefined;
}

/** xsd:decimal, as UBL and CII write amounts and quantities: no exponent, no thousands separator, an ASCII sign. */
const DECIMAL = /^[+-]?(\d*)(?:\.(\d*))?$/;
/** Digits the archive keeps exactly (db/migrations/007: numeric with 30 before and 20 after the point). */
const MAX_INTEGER_DIGITS = 30;
const MAX_FRACTION_DIGITS = 20;

function invalidNumber(invoice: Invoice): FactRefusal | undefined {
  const { totals } = invoice;
  const numbers: [string, string | undefined][] = [
    ['BT-106 sum of line net amounts', totals.lineNetTotal],
    ['BT-107 allowances', totals.allowanceTotal],
    ['BT-108 charges', totals.chargeTotal],
    ['BT-109 total without VAT', totals.taxExclusive],
    ['BT-110 VAT total', totals.vatTotal],
    ['BT-112 total with VAT', totals.taxInclusive],
    ['BT-113 paid amount', totals.prepaid],
    ['BT-114 rounding', totals.rounding],
    ['BT-115 amount due', totals.payable],
    ...invoice.vatBreakdown.flatMap((vat, i): [string, string][] => [
      [`BT-116 taxable amount of VAT breakdown ${i + 1}`, vat.taxableAmount],
      [`BT-117 VAT amount of VAT breakdown ${i + 1}`, vat.taxAmount],
    ]),
    ...invoice.lines.flatMap((line): [string, string | undefined][] => [
      [`BT-129 quantity of line ${line.id}`, line.quantity],
      [`BT-131 net amount of line ${line.id}`, line.netAmount],
      [`BT-146 net price of line ${line.id}`, line.netPrice],
    ]),
  ];
  for (const [name, value] of numbers) {
    const written = value?.trim();
    if (!written) continue; // a missing amount is the rules' to report
    const parts = DECIMAL.exec(written);
    const integer = parts?.[1] ?? '';
    const fraction = parts?.[2] ?? '';
    if (!parts || !(integer + fraction)) {
      return {
        code: 'INVALID_NUMBER',
        message:
          `${name} is "${shown(written)}", which is not a decimal number: ` +
          'write digits with an optional "-" and a dot, no exponent, no thousands separators',
      };
    }
    if (integer.replace(/^0+/, '').length > MAX_INTEGER_DIGITS || fraction.length > MAX_FRACTION_DIGITS) {
      return {
        code: 'INVALID_NUMBER',
        message: `${name} has ${integer.length + fraction.length} digits; the hub keeps at most ${MAX_INTEGER_DIGITS} before and ${MAX_FRACTION_DIGITS} after the point`,
      };
    }
  }
  return undefined;
}

/** A value as it can be quoted in a message: at most 60 characters. */
function shown(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
