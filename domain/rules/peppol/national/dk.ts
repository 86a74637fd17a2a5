/** Danish rules of Peppol BIS Billing 3.0 (DK-R-*): CVR number, party identifier schemes, payment means, taxes. */
import type { Element } from '@xmldom/xmldom';
import {
  type PeppolDocument,
  type PeppolReport,
  children,
  normalizeSpace,
  numberOf,
  ownText,
  stringOf,
  ubl,
} from '../document';

/** Payment means codes a Danish seller may use towards a Danish buyer (DK-R-005). */
const DANISH_PAYMENT_MEANS = ' 1 10 31 42 48 49 50 58 59 93 97 ';

export function checkDanishRules(document: PeppolDocument, report: PeppolReport): void {
  if (document.supplierPostalCountry !== 'DK') return;
  const { root, seller } = document;
  const legalId = ubl.one(seller, 'cac:PartyLegalEntity/cbc:CompanyID');
  if (normalizeSpace(ownText(legalId) ?? '') === '')
    report.fatal(
      'DK-R-002',
      `/${document.kind}/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity`,
      'A Danish seller gives its CVR number as legal registration identifier (BT-30).',
      'Датски продавач посочва своя CVR номер като идентификатор на правна регистрация (BT-30).',
    );
  if (legalId && normalizeSpace(legalId.getAttribute('schemeID') ?? '') !== '0184')
    report.fatal(
      'DK-R-014',
      legalId,
      `A Danish seller's legal registration identifier (BT-30) has scheme 0184 (CVR); found "${legalId.getAttribute('schemeID') ?? ''}".`,
      `Идентификаторът на правна регистрация (BT-30) на датски продавач е със схема 0184 (CVR); намерено "${legalId.getAttribute('schemeID') ?? ''}".`,
    );
  const domestic = document.customerPostalCountry === 'DK';
  if (document.kind === 'CreditNote' && domestic) {
    const payable = numberOf(stringOf(ubl.one(root, 'cac:LegalMonetaryTotal/cbc:PayableAmount')));
    if (payable < 0)
      report.fatal(
        'DK-R-016',
        `/${document.kind}/cac:LegalMonetaryTotal/cbc:PayableAmount`,
        "A Danish seller's credit note cannot have a negative amount due (BT-115).",
        'Кредитно известие на датски продавач не може да има отрицателна сума за плащане (BT-115).',
      );
  }
  if (!domestic) return;
  for (const identification of [
    ...ubl.all(root, 'cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification'),
    ...ubl.all(root, 'cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification'),
  ]) {
    const id = ubl.one(identification, 'cbc:ID');
    if (id && normalizeSpace(id.getAttribute('schemeID') ?? '') === '')
      report.fatal(
        'DK-R-013',
        id,
        'Between Danish parties a party identifier (BT-29/BT-46) states its scheme (schemeID).',
        'Между датски страни идентификаторът на страна (BT-29/BT-46) посочва схемата си (schemeID).',
      );
  }
  if (document.kind === 'Invoice')
    for (const means of children(root, 'cac:PaymentMeans')) checkPaymentMeans(means, report);
  for (const charge of [
    ...children(root, 'cac:AllowanceCharge'),
    ...document.lines.flatMap((line) => [
      ...children(line, 'cac:AllowanceCharge'),
      ...ubl.all(line, 'cac:Price/cac:AllowanceCharge'),
    ]),
  ])
    checkTaxCharge(charge, report);
}

function checkPaymentMeans(means: Element, report: PeppolReport): void {
  const codeElement = ubl.one(means, 'cbc:PaymentMeansCode');
  const code = codeElement ? stringOf(codeElement) : '';
  const codes = ubl.all(means, 'cbc:PaymentMeansCode').map(stringOf);
  const is = (value: string): boolean => codes.includes(value);
  if (!DANISH_PAYMENT_MEANS.includes(` ${code} `))
    report.fatal(
      'DK-R-005',
      codeElement ?? means,
      `Between Danish parties the payment means code (BT-81) is one of 1, 10, 31, 42, 48, 49, 50, 58, 59, 93, 97; found "${code}".`,
      `Между датски страни кодът на начина на плащане (BT-81) е един от 1, 10, 31, 42, 48, 49, 50, 58, 59, 93, 97; намерено "${code}".`,
    );
  const filled = (path: string): boolean => normalizeSpace(ownText(ubl.one(means, path)) ?? '') !== '';
  if (
    (is('31') || is('42')) &&
    !(
      filled('cac:PayeeFinancialAccount/cbc:ID') &&
      filled('cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID')
    )
  )
    report.fatal(
      'DK-R-006',
      means,
      'With payment means 31 or 42 a Danish seller gives the bank account (BT-84) and its registration number (BT-86).',
      'При начин на плащане 31 или 42 датски продавач посочва банковата сметка (BT-84) и регистрационния ѝ номер (BT-86).',
    );
  if (
    is('49') &&
    !(filled('cac:PaymentMandate/cbc:ID') && filled('cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID'))
  )
    report.fatal(
      'DK-R-007',
      means,
      'With payment means 49 a Danish seller gives the mandate reference (BT-89) and the debited account (BT-91).',
      'При начин на плащане 49 датски продавач посочва референцията на мандата (BT-89) и дебитираната сметка (BT-91).',
    );
  const paymentId = stringOf(ubl.one(means, 'cbc:PaymentID'));
  const prefix = paymentId.slice(0, 3);
  const account = ubl.one(means, 'cac:PayeeFinancialAccount/cbc:ID');
  if (is('50') && !(['01#', '04#', '15#'].includes(prefix) && /^[0-9]{7,8}$/.test(stringOf(account))))
    report.fatal(
      'DK-R-008',
      means,
      'With payment means 50 (giro) a Danish seller gives a payment ID (BT-83) starting 01#, 04# or 15# and a giro account (BT-84) of 7 or 8 digits.',
      'При начин на плащане 50 (жиро) датски продавач посочва основание за плащане (BT-83), започващо с 01#, 04# или 15#, и жиро сметка (BT-84) от 7 или 8 цифри.',
    );
  if (is('50') && (prefix === '04#' || prefix === '15#') && paymentId.length !== 19)
    report.fatal(
      'DK-R-009',
      means,
      `A giro payment ID starting ${prefix} carries a 16-digit instruction id (19 characters in all); found "${paymentId}".`,
      `Основание за жиро плащане, започващо с ${prefix}, съдържа 16-цифрен идентификатор (общо 19 знака); намерено "${paymentId}".`,
    );
  if (is('93') && !(['71#', '73#', '75#'].includes(prefix) && (ownText(account) ?? '').length === 8))
    report.fatal(
      'DK-R-010',
      means,
      'With payment means 93 (FIK) a Danish seller gives a payment ID (BT-83) starting 71#, 73# or 75# and a creditor number (BT-84) of 8 characters.',
      'При начин на плащане 93 (FIK) датски продавач посочва основание за плащане (BT-83), започващо с 71#, 73# или 75#, и номер на кредитор (BT-84) от 8 знака.',
    );
  if (
    is('93') &&
    (prefix === '71#' || prefix === '75#') &&
    paymentId.length !== 18 &&
    paymentId.length !== 19
  )
    report.fatal(
      'DK-R-011',
      means,
      `A FIK payment ID starting ${prefix} carries a 15- or 16-digit instruction id; found "${paymentId}".`,
      `Основание за FIK плащане, започващо с ${prefix}, съдържа 15- или 16-цифрен идентификатор; намерено "${paymentId}".`,
    );
}

/** DK-R-004: a non-VAT tax (reason code ZZZ) names its Danish tax category in the reason. */
function checkTaxCharge(charge: Element, report: PeppolReport): void {
  if (!ubl.all(charge, 'cbc:AllowanceChargeReasonCode').some((code) => stringOf(code) === 'ZZZ')) return;
  const reasonElement = ubl.one(charge, 'cbc:AllowanceChargeReason');
  const reason = stringOf(reasonElement);
  const number = numberOf(reason);
  const fourDigits =
    normalizeSpace(ownText(reasonElement) ?? '').length === 4 && number >= 0 && number <= 9999;
  const withHash =
    reasonElement !== undefined && reason.includes('#') && !reason.startsWith('#') && !reason.endsWith('#');
  if (!fourDigits && !withHash)
    report.fatal(
      'DK-R-004',
      charge,
      `A Danish non-VAT tax (reason code ZZZ) gives its 4-digit tax category, or category#text, as the reason (BT-97/BT-104); found "${reason}".`,
      `Датски данък извън ДДС (код ZZZ) посочва 4-цифрената си данъчна категория или категория#текст като причина (BT-97/BT-104); намерено "${reason}".`,
    );
}
