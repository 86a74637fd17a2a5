/**
 * The PDF of an archived invoice, rendered by the hub from the invoice model (domain/invoice/model.ts) with pdfmake.
 * It is a rendering for people (print, forward, file); the signed XML stays the legal document, and the PDF says so.
 * Font: Roboto as shipped inside the pdfmake package (Latin, Cyrillic and Greek, regular/medium/italic), so the
 * server needs no system fonts and Bulgarian names print as written.
 */
import path from 'node:path';
import pdfmake from 'pdfmake';
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import type { AllowanceCharge, Invoice, Party, PaymentInstructions, PostalAddress } from '../invoice/model';
import { formatDate, formatDecimal, formatMoney, negate } from './format';
import {
  both,
  DOCUMENT_NAMES,
  LABELS,
  PAYMENT_MEANS,
  UNITS,
  VAT_CATEGORIES,
  type Bilingual,
  type PdfLanguage,
} from './labels';

export type { PdfLanguage };

export interface PdfOptions {
  /** The reader's language: printed first in every label, and the number format. */
  language: PdfLanguage;
  /** Printed in the footer, so a printed copy leads back to the archive entry. */
  archiveReference?: string;
}

const FONT_DIR = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const FONTS = {
  Roboto: {
    normal: path.join(FONT_DIR, 'Roboto-Regular.ttf'),
    bold: path.join(FONT_DIR, 'Roboto-Medium.ttf'),
    italics: path.join(FONT_DIR, 'Roboto-Italic.ttf'),
    bolditalics: path.join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
  },
};
const FONT_FILES = new Set(Object.values(FONTS.Roboto));

let configured = false;
/** pdfmake is one shared instance: fonts once, and no reading of URLs or files other than the fonts. */
function configurePdfmake(): void {
  if (configured) return;
  pdfmake.setFonts(FONTS);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((file) => FONT_FILES.has(path.resolve(file)));
  configured = true;
}

export async function renderInvoicePdf(invoice: Invoice, options: PdfOptions): Promise<Buffer> {
  configurePdfmake();
  return pdfmake.createPdf(invoiceDocument(invoice, options)).getBuffer();
}

const present = (value: string | null | undefined): value is string =>
  value !== null && value !== undefined && value.trim() !== '';

/** The document definition (exposed for tests of the layout's content without a PDF reader). */
export function invoiceDocument(invoice: Invoice, options: PdfOptions): TDocumentDefinitions {
  const lang = options.language;
  const label = (text: Bilingual) => both(text, lang);
  const money = (amount: string | undefined) => formatMoney(amount, lang);
  const documentName =
    DOCUMENT_NAMES[invoice.typeCode] ??
    (invoice.kind === 'CreditNote' ? DOCUMENT_NAMES['381'] : DOCUMENT_NAMES['380']);

  const content: Content[] = [
    {
      columns: [
        { text: label(documentName).toUpperCase(), style: 'title', width: '*' },
        {
          text: `${LABELS.number[lang]} ${invoice.number}`,
          style: 'title',
          alignment: 'right',
          width: 'auto',
        },
      ],
    },
    { text: `${label(LABELS.currency)}: ${invoice.currency}`, style: 'muted', margin: [0, 2, 0, 8] },
    keyValues(dates(invoice).map(([text, date]) => [label(text), formatDate(date)])),
    keyValues(references(invoice).map(([text, value]) => [label(text), value])),
    {
      columns: [
        partyBlock(label(LABELS.supplier), invoice.seller, lang),
        partyBlock(label(LABELS.customer), invoice.buyer, lang),
      ],
      columnGap: 16,
      margin: [0, 10, 0, 10],
    },
    ...(invoice.payee ? [partyBlock(label(LABELS.payee), invoice.payee, lang)] : []),
    linesTable(invoice, lang),
    ...adjustmentsBlock(invoice.allowanceCharges, lang),
    vatTable(invoice, lang),
    {
      columns: [
        { width: '*', stack: paymentBlock(invoice, lang) },
        { width: 270, stack: [totalsTable(invoice, lang)], margin: [0, 10, 0, 0] },
      ],
      columnGap: 16,
    },
    ...(invoice.notes.filter(present).length
      ? [
          { text: label(LABELS.notes), style: 'heading' },
          ...invoice.notes.filter(present).map((note) => ({ text: note, margin: [0, 0, 0, 2] as const })),
        ]
      : []),
  ].map((block) => block as Content);

  return {
    info: {
      title: `${documentName[lang]} ${invoice.number}`,
      subject: `${documentName.en} ${invoice.number}`,
      creator: 'e-invoice hub',
    },
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 60],
    defaultStyle: { font: 'Roboto', fontSize: 9, lineHeight: 1.15 },
    styles: {
      title: { fontSize: 16, bold: true },
      heading: { fontSize: 10, bold: true, margin: [0, 10, 0, 4] },
      partyName: { fontSize: 10, bold: true },
      muted: { color: '#555555' },
      tableHeader: { bold: true, fillColor: '#eeeeee' },
      payable: { bold: true, fontSize: 11 },
    },
    content,
    footer: (currentPage, pageCount) => ({
      margin: [40, 10, 40, 0],
      columns: [
        {
          text: [
            label(LABELS.rendering),
            options.archiveReference ? `\n${options.archiveReference}` : '',
          ].join(''),
          fontSize: 7,
          color: '#555555',
          width: '*',
        },
        {
          text: `${LABELS.page[lang]} ${currentPage} / ${pageCount}`,
          fontSize: 7,
          alignment: 'right',
          width: 'auto',
        },
      ],
    }),
  };

  function totalsTable(doc: Invoice, language: PdfLanguage): Content {
    const sums = doc.totals;
    const rows: [Bilingual, string | undefined][] = [
      [LABELS.lineNetTotal, sums.lineNetTotal],
      [LABELS.allowanceTotal, sums.allowanceTotal ? negate(sums.allowanceTotal) : undefined],
      [LABELS.chargeTotal, sums.chargeTotal],
      [LABELS.taxExclusive, sums.taxExclusive],
      [LABELS.vatTotal, sums.vatTotal],
      [LABELS.taxInclusive, sums.taxInclusive],
      [LABELS.prepaid, sums.prepaid ? negate(sums.prepaid) : undefined],
      [LABELS.rounding, sums.rounding],
    ];
    const body: TableCell[][] = rows
      .filter((row): row is [Bilingual, string] => present(row[1]))
      .map(([text, amount]) => [both(text, language), { text: money(amount), alignment: 'right' }]);
    body.push([
      { text: both(LABELS.payable, language), style: 'payable', noWrap: true },
      { text: `${money(sums.payable)} ${doc.currency}`, style: 'payable', alignment: 'right', noWrap: true },
    ]);
    return { table: { widths: ['*', 'auto'], body }, layout: 'lightHorizontalLines' };
  }
}

function keyValues(pairs: [string, string][], keyWidth = 170): Content {
  if (pairs.length === 0) return { text: '' };
  return {
    table: {
      widths: [keyWidth, '*'],
      body: pairs.map(([key, value]) => [{ text: key, style: 'muted' }, value]),
    },
    layout: 'noBorders',
    margin: [0, 0, 0, 2],
  };
}

function dates(invoice: Invoice): [Bilingual, string][] {
  const found: [Bilingual, string][] = [[LABELS.issueDate, invoice.issueDate]];
  if (invoice.taxPointDate && invoice.taxPointDate !== invoice.issueDate)
    found.push([LABELS.taxPointDate, invoice.taxPointDate]);
  if (invoice.dueDate) found.push([LABELS.dueDate, invoice.dueDate]);
  if (invoice.delivery?.date) found.push([LABELS.deliveryDate, invoice.delivery.date]);
  return found;
}

function references(invoice: Invoice): [Bilingual, string][] {
  const found: [Bilingual, string][] = [];
  const period = invoice.invoicingPeriod;
  if (period?.start || period?.end) {
    found.push([LABELS.period, `${formatDate(period.start) || '…'} – ${formatDate(period.end) || '…'}`]);
  }
  if (present(invoice.buyerReference)) found.push([LABELS.buyerReference, invoice.buyerReference]);
  if (present(invoice.orderReference)) found.push([LABELS.order, invoice.orderReference]);
  if (present(invoice.contractReference)) found.push([LABELS.contract, invoice.contractReference]);
  for (const preceding of invoice.precedingInvoices) {
    found.push([
      LABELS.corrects,
      preceding.issueDate ? `${preceding.number} / ${formatDate(preceding.issueDate)}` : preceding.number,
    ]);
  }
  return found;
}

function addressLines(address: PostalAddress | undefined, lang: PdfLanguage): string[] {
  if (!address) return [];
  const place = [address.postCode, address.city].filter(present).join(' ');
  return [
    address.line1,
    address.line2,
    address.line3,
    place,
    address.subdivision,
    address.countryCode ? countryName(address.countryCode, lang) : undefined,
  ].filter(present);
}

function countryName(code: string, lang: PdfLanguage): string {
  try {
    return (
      new Intl.DisplayNames([lang === 'bg' ? 'bg' : 'en'], { type: 'region' }).of(code.toUpperCase()) ?? code
    );
  } catch {
    return code;
  }
}

function partyBlock(title: string, party: Party, lang: PdfLanguage): Content {
  const isBulgarian =
    party.address?.countryCode?.toUpperCase() === 'BG' ||
    Boolean(party.vatId?.toUpperCase().startsWith('BG'));
  const identifiers: [Bilingual, string][] = [];
  if (present(party.vatId)) identifiers.push([LABELS.vatId, party.vatId]);
  if (party.legalRegistrationId && present(party.legalRegistrationId.value)) {
    identifiers.push([isBulgarian ? LABELS.eik : LABELS.registration, party.legalRegistrationId.value]);
  }
  if (present(party.taxRegistrationId)) identifiers.push([LABELS.taxRegistration, party.taxRegistrationId]);
  for (const identifier of party.identifiers) {
    if (present(identifier.value) && !identifiers.some(([, value]) => value === identifier.value)) {
      identifiers.push([LABELS.identifier, identifier.value]);
    }
  }
  const contact = [party.contact?.name, party.contact?.phone, party.contact?.email].filter(present);
  const name = party.name ?? party.tradingName ?? '—';
  return {
    stack: [
      { text: title, style: 'heading', margin: [0, 0, 0, 3] },
      { text: name, style: 'partyName' },
      ...(present(party.tradingName) && party.tradingName !== name ? [{ text: party.tradingName }] : []),
      ...addressLines(party.address, lang).map((line) => ({ text: line })),
      ...identifiers.map(([text, value]) => ({ text: `${both(text, lang)}: ${value}` })),
      ...(contact.length ? [{ text: `${both(LABELS.contact, lang)}: ${contact.join(', ')}` }] : []),
    ],
  };
}

function vatCategory(code: string | undefined, lang: PdfLanguage): string {
  if (!code) return '';
  const known = VAT_CATEGORIES[code];
  return known ? `${known[lang]} (${code})` : code;
}

function linesTable(invoice: Invoice, lang: PdfLanguage): Content {
  const header = [
    LABELS.line,
    LABELS.item,
    LABELS.quantity,
    LABELS.unit,
    LABELS.unitPrice,
    LABELS.vatRate,
    LABELS.netAmount,
  ].map((text, index) => ({
    text: both(text, lang),
    style: 'tableHeader',
    alignment: index >= 4 || index === 2 ? ('right' as const) : ('left' as const),
  }));
  const rows: TableCell[][] = invoice.lines.map((line) => {
    const description: Content[] = [{ text: line.itemName, bold: true }];
    if (present(line.itemDescription)) description.push({ text: line.itemDescription });
    if (present(line.note)) description.push({ text: line.note, italics: true });
    if (line.periodStart || line.periodEnd) {
      description.push({
        text: `${formatDate(line.periodStart) || '…'} – ${formatDate(line.periodEnd) || '…'}`,
        style: 'muted',
      });
    }
    for (const adjustment of line.allowanceCharges) {
      description.push({ text: adjustmentText(adjustment, lang), style: 'muted' });
    }
    const unit = line.unitCode ? (UNITS[line.unitCode]?.[lang] ?? line.unitCode) : '';
    return [
      line.id,
      { stack: description },
      { text: formatDecimal(line.quantity, lang), alignment: 'right' },
      unit,
      { text: formatMoney(line.netPrice, lang), alignment: 'right' },
      {
        text: line.vatRate !== undefined ? formatDecimal(line.vatRate, lang) : (line.vatCategoryCode ?? ''),
        alignment: 'right',
      },
      { text: formatMoney(line.netAmount, lang), alignment: 'right' },
    ];
  });
  return {
    table: { headerRows: 1, widths: [22, '*', 40, 38, 60, 36, 66], body: [header, ...rows] },
    layout: 'lightHorizontalLines',
    margin: [0, 6, 0, 0],
  };
}

function adjustmentText(adjustment: AllowanceCharge, lang: PdfLanguage): string {
  const kind = both(adjustment.isCharge ? LABELS.charge : LABELS.allowance, lang);
  const amount = formatMoney(adjustment.isCharge ? adjustment.amount : negate(adjustment.amount), lang);
  const reason = adjustment.reason ?? adjustment.reasonCode;
  return `${kind}${reason ? ` (${reason})` : ''}: ${amount}`;
}

function adjustmentsBlock(adjustments: AllowanceCharge[], lang: PdfLanguage): Content[] {
  if (adjustments.length === 0) return [];
  return [
    { text: both(LABELS.documentAdjustments, lang), style: 'heading' },
    {
      table: {
        widths: ['*', 'auto', 'auto'],
        body: adjustments.map((adjustment) => [
          adjustment.reason ??
            adjustment.reasonCode ??
            both(adjustment.isCharge ? LABELS.charge : LABELS.allowance, lang),
          adjustment.vatCategoryCode
            ? `${vatCategory(adjustment.vatCategoryCode, lang)}${adjustment.vatRate !== undefined ? ` ${formatDecimal(adjustment.vatRate, lang)} %` : ''}`
            : '',
          {
            text: formatMoney(adjustment.isCharge ? adjustment.amount : negate(adjustment.amount), lang),
            alignment: 'right',
          },
        ]),
      },
      layout: 'lightHorizontalLines',
    },
  ];
}

function vatTable(invoice: Invoice, lang: PdfLanguage): Content {
  const header = [LABELS.vatCategory, LABELS.vatRate, LABELS.taxableAmount, LABELS.vatAmount].map(
    (text, index) => ({
      text: both(text, lang),
      style: 'tableHeader',
      alignment: index >= 1 ? ('right' as const) : ('left' as const),
    }),
  );
  const rows: TableCell[][] = invoice.vatBreakdown.map((breakdown) => [
    {
      stack: [
        vatCategory(breakdown.categoryCode, lang),
        ...(present(breakdown.exemptionReason ?? breakdown.exemptionReasonCode)
          ? [
              {
                text: `${both(LABELS.exemption, lang)}: ${breakdown.exemptionReason ?? breakdown.exemptionReasonCode}`,
                style: 'muted',
              },
            ]
          : []),
      ],
    },
    { text: breakdown.rate !== undefined ? formatDecimal(breakdown.rate, lang) : '', alignment: 'right' },
    { text: formatMoney(breakdown.taxableAmount, lang), alignment: 'right' },
    { text: formatMoney(breakdown.taxAmount, lang), alignment: 'right' },
  ]);
  return {
    stack: [
      { text: both(LABELS.vatBreakdown, lang), style: 'heading' },
      {
        table: { headerRows: 1, widths: ['*', 50, 90, 90], body: [header, ...rows] },
        layout: 'lightHorizontalLines',
      },
    ],
  };
}

function paymentBlock(invoice: Invoice, lang: PdfLanguage): Content[] {
  const payment: PaymentInstructions | undefined = invoice.payment;
  const pairs: [string, string][] = [];
  if (payment) {
    const means = present(payment.meansText)
      ? payment.meansText
      : payment.meansCode
        ? (PAYMENT_MEANS[payment.meansCode]?.[lang] ?? payment.meansCode)
        : undefined;
    if (means) pairs.push([both(LABELS.paymentMeans, lang), means]);
    for (const transfer of payment.creditTransfers) {
      pairs.push([both(LABELS.iban, lang), transfer.accountId]);
      if (present(transfer.serviceProviderId))
        pairs.push([both(LABELS.bic, lang), transfer.serviceProviderId]);
      if (present(transfer.accountName)) pairs.push([both(LABELS.accountName, lang), transfer.accountName]);
    }
    if (present(payment.remittanceInformation)) {
      pairs.push([both(LABELS.paymentReference, lang), payment.remittanceInformation]);
    }
    if (payment.card) pairs.push([both(LABELS.card, lang), payment.card.primaryAccountNumber.slice(-4)]);
    if (payment.directDebit) {
      const { mandateReference, debitedAccountId } = payment.directDebit;
      pairs.push([
        both(LABELS.directDebit, lang),
        [mandateReference && `${both(LABELS.mandate, lang)} ${mandateReference}`, debitedAccountId]
          .filter(present)
          .join(', '),
      ]);
    }
  }
  if (present(invoice.paymentTerms)) pairs.push([both(LABELS.paymentTerms, lang), invoice.paymentTerms]);
  if (invoice.dueDate) pairs.push([both(LABELS.dueDate, lang), formatDate(invoice.dueDate)]);
  return [{ text: both(LABELS.payment, lang), style: 'heading' }, keyValues(pairs, 120)];
}
