/**
 * The EN 16931 code-list rules (BR-CL-01…BR-CL-26), as the CEN validation artefacts 1.3.16 check them: each
 * coded value the reader found in the document (domain/invoice/coded-values.ts says which element each rule
 * reads in which syntax) against its list, with the artefacts' own codes (code-lists/).
 */
import type { CodeList, CodedValue, Syntax } from '../invoice/model';
import {
  ALLOWANCE_REASON_CODES,
  CHARGE_REASON_CODES,
  CII_COUNTRY_CODES,
  CII_NOTE_SUBJECT_CODES,
  COUNTRY_CODES,
  CREDIT_NOTE_TYPE_CODES,
  CURRENCY_CODES,
  EAS_CODES,
  ICD_CODES,
  INVOICE_TYPE_CODES,
  ITEM_CLASSIFICATION_CODES,
  MIME_CODES,
  PAYMENT_MEANS_CODES,
  REFERENCE_QUALIFIER_CODES,
  UBL_NOTE_SUBJECT_CODES,
  UNIT_CODES,
  VAT_CATEGORY_CODES,
  VAT_DUE_DATE_TYPE_CODES,
  VAT_EXEMPTION_REASON_CODES,
  VAT_POINT_DATE_CODES,
} from './code-lists/index';
import { type RuleContext, quote, quoteBg } from './context';

interface ListEntry {
  /** The list's codes; the two syntaxes' artefacts differ for ISO 3166-1 and UNTDID 4451. */
  codes: ReadonlySet<string> | Record<Syntax, ReadonlySet<string>>;
  name: string;
  nameBg: string;
  /** A few codes to show ("e.g. …"), or all of a short list; hintBg when the words need translating. */
  hint?: string;
  hintBg?: string;
}

const DOCUMENT_TYPE_CODES: ReadonlySet<string> = new Set([...INVOICE_TYPE_CODES, ...CREDIT_NOTE_TYPE_CODES]);

const LISTS: Record<CodeList, ListEntry> = {
  'UNTDID 1001': {
    codes: DOCUMENT_TYPE_CODES,
    name: 'the UNTDID 1001 invoice and credit note codes',
    nameBg: 'кодовете за фактури и кредитни известия по UNTDID 1001',
    hint: 'e.g. 380 invoice, 381 credit note, 383 debit note',
    hintBg: 'напр. 380 фактура, 381 кредитно известие, 383 дебитно известие',
  },
  'UNTDID 1001 invoice': {
    codes: INVOICE_TYPE_CODES,
    name: 'the UNTDID 1001 invoice codes',
    nameBg: 'кодовете за фактури по UNTDID 1001',
    hint: 'e.g. 380 invoice, 383 debit note, 386 prepayment invoice',
    hintBg: 'напр. 380 фактура, 383 дебитно известие, 386 авансова фактура',
  },
  'UNTDID 1001 credit note': {
    codes: CREDIT_NOTE_TYPE_CODES,
    name: 'the UNTDID 1001 credit note codes',
    nameBg: 'кодовете за кредитни известия по UNTDID 1001',
    hint: 'e.g. 381 credit note',
    hintBg: 'напр. 381 кредитно известие',
  },
  'ISO 4217': { codes: CURRENCY_CODES, name: 'ISO 4217', nameBg: 'ISO 4217', hint: 'e.g. EUR' },
  'UNTDID 2005': {
    codes: VAT_POINT_DATE_CODES,
    name: 'the codes EN 16931 allows',
    nameBg: 'допустимите по EN 16931 кодове',
    hint: '3, 35, 432',
  },
  'UNTDID 2475': {
    codes: VAT_DUE_DATE_TYPE_CODES,
    name: 'the codes EN 16931 allows',
    nameBg: 'допустимите по EN 16931 кодове',
    hint: '5, 29, 72',
  },
  'UNTDID 1153': {
    codes: REFERENCE_QUALIFIER_CODES,
    name: 'UNTDID 1153',
    nameBg: 'UNTDID 1153',
    hint: 'e.g. AAA, ABZ',
  },
  'UNTDID 4451': {
    codes: { UBL: UBL_NOTE_SUBJECT_CODES, CII: CII_NOTE_SUBJECT_CODES },
    name: 'UNTDID 4451',
    nameBg: 'UNTDID 4451',
    hint: 'e.g. AAI, REG, SUR',
  },
  'ISO 6523 ICD': {
    codes: ICD_CODES,
    name: 'the ISO 6523 ICD list',
    nameBg: 'списъка ISO 6523 ICD',
    hint: 'e.g. 0088 GLN, 0177',
    hintBg: 'напр. 0088 GLN, 0177',
  },
  'UNTDID 7143': {
    codes: ITEM_CLASSIFICATION_CODES,
    name: 'UNTDID 7143',
    nameBg: 'UNTDID 7143',
    hint: 'e.g. STI, CG, ZZZ',
  },
  'ISO 3166-1': {
    codes: { UBL: COUNTRY_CODES, CII: CII_COUNTRY_CODES },
    name: 'ISO 3166-1 alpha-2',
    nameBg: 'ISO 3166-1 alpha-2',
    hint: 'e.g. BG, DE',
  },
  'UNTDID 4461': {
    codes: PAYMENT_MEANS_CODES,
    name: 'UNTDID 4461',
    nameBg: 'UNTDID 4461',
    hint: 'e.g. 30 credit transfer, 58 SEPA credit transfer, 10 cash',
    hintBg: 'напр. 30 кредитен превод, 58 SEPA кредитен превод, 10 в брой',
  },
  'UNTDID 5305': {
    codes: VAT_CATEGORY_CODES,
    name: 'the UNTDID 5305 codes EN 16931 uses',
    nameBg: 'кодовете по UNTDID 5305, които EN 16931 използва',
    hint: [...VAT_CATEGORY_CODES].join(', '),
  },
  'UNTDID 5189': {
    codes: ALLOWANCE_REASON_CODES,
    name: 'UNTDID 5189',
    nameBg: 'UNTDID 5189',
    hint: 'e.g. 95 discount',
    hintBg: 'напр. 95 отстъпка',
  },
  'UNTDID 7161': {
    codes: CHARGE_REASON_CODES,
    name: 'UNTDID 7161',
    nameBg: 'UNTDID 7161',
    hint: 'e.g. FC freight',
    hintBg: 'напр. FC транспорт',
  },
  VATEX: {
    codes: VAT_EXEMPTION_REASON_CODES,
    name: 'the CEF VATEX list',
    nameBg: 'списъка CEF VATEX',
    hint: 'e.g. VATEX-EU-IC',
  },
  'UNECE Rec 20/21': {
    codes: UNIT_CODES,
    name: 'UN/ECE Recommendations 20 and 21',
    nameBg: 'препоръки 20 и 21 на ИИК на ООН',
    hint: 'e.g. C62 one, H87 piece, KGM kilogram',
    hintBg: 'напр. C62 единица, H87 брой, KGM килограм',
  },
  MIME: {
    codes: MIME_CODES,
    name: 'the MIME codes EN 16931 allows',
    nameBg: 'допустимите по EN 16931 MIME кодове',
    hint: [...MIME_CODES].join(', '),
  },
  EAS: {
    codes: EAS_CODES,
    name: 'the CEF EAS list',
    nameBg: 'списъка CEF EAS',
    hint: 'e.g. 9926 Bulgarian VAT number, 0088 GLN, EM e-mail',
    hintBg: 'напр. 9926 български ДДС номер, 0088 GLN, EM имейл',
  },
};

/** What each rule checks, to name it in a message. */
const TERMS: Record<string, [string, string]> = {
  'BR-CL-01': ['The document type code (BT-3)', 'Кодът на вида документ (BT-3)'],
  'BR-CL-03': ['The currency of the amount (currencyID)', 'Валутата на сумата (currencyID)'],
  'BR-CL-04': ['The invoice currency code (BT-5)', 'Кодът на валутата на фактурата (BT-5)'],
  'BR-CL-05': ['The VAT accounting currency code (BT-6)', 'Кодът на валутата за отчитане на ДДС (BT-6)'],
  'BR-CL-06': ['The VAT point date code (BT-8)', 'Кодът на датата на данъчното събитие (BT-8)'],
  'BR-CL-07': [
    'The scheme of the object identifier (BT-18, BT-128)',
    'Схемата на идентификатора на обект (BT-18, BT-128)',
  ],
  'BR-CL-08': ['The note subject code (BT-21)', 'Кодът на темата на бележката (BT-21)'],
  'BR-CL-10': ['The identifier scheme (schemeID)', 'Схемата на идентификатора (schemeID)'],
  'BR-CL-11': [
    'The registration identifier scheme (schemeID)',
    'Схемата на регистрационния идентификатор (schemeID)',
  ],
  'BR-CL-13': [
    'The item classification scheme (listID of BT-158)',
    'Схемата на класификацията на артикула (listID на BT-158)',
  ],
  'BR-CL-14': ['The country code', 'Кодът на държава'],
  'BR-CL-15': ['The item country of origin (BT-159)', 'Държавата на произход на артикула (BT-159)'],
  'BR-CL-16': ['The payment means code (BT-81)', 'Кодът на начина на плащане (BT-81)'],
  'BR-CL-17': ['The VAT category code', 'Кодът на ДДС категорията'],
  'BR-CL-18': ['The VAT category code', 'Кодът на ДДС категорията'],
  'BR-CL-19': [
    'The allowance reason code (BT-98, BT-140)',
    'Кодът на основанието за отстъпка (BT-98, BT-140)',
  ],
  'BR-CL-20': [
    'The charge reason code (BT-105, BT-145)',
    'Кодът на основанието за надбавка (BT-105, BT-145)',
  ],
  'BR-CL-21': [
    'The scheme of the item standard identifier (BT-157)',
    'Схемата на стандартния идентификатор на артикула (BT-157)',
  ],
  'BR-CL-22': [
    'The VAT exemption reason code (BT-121)',
    'Кодът на основанието за освобождаване от ДДС (BT-121)',
  ],
  'BR-CL-23': ['The unit of measure code (unitCode)', 'Кодът на мерната единица (unitCode)'],
  'BR-CL-24': ['The attachment MIME code (BT-125)', 'MIME кодът на прикачения файл (BT-125)'],
  'BR-CL-25': ['The electronic address scheme (BT-34, BT-49)', 'Схемата на електронния адрес (BT-34, BT-49)'],
  'BR-CL-26': [
    'The scheme of the deliver-to location identifier (BT-71)',
    'Схемата на идентификатора на мястото на доставка (BT-71)',
  ],
};

const codesOf = (list: CodeList, syntax: Syntax): ReadonlySet<string> => {
  const { codes } = LISTS[list];
  return 'UBL' in codes
    ? (codes as Record<Syntax, ReadonlySet<string>>)[syntax]
    : (codes as ReadonlySet<string>);
};

/** Whether the value is in its list, compared as the artefact compares it (VATEX case-insensitively). */
export function isListed(coded: Pick<CodedValue, 'list' | 'value'>, syntax: Syntax): boolean {
  if (coded.value === undefined) return false;
  const value = coded.list === 'VATEX' ? coded.value.toUpperCase() : coded.value;
  return codesOf(coded.list, syntax).has(value);
}

export function checkCodeListRules(context: RuleContext): void {
  const { invoice, paths } = context;
  for (const coded of invoice.codedValues ?? []) if (!isListed(coded, invoice.syntax)) report(context, coded);
  // BT-81 comes from the model, which holds each payment means' code as the artefacts read it (blank too).
  (invoice.paymentMeans ?? []).forEach((means, index) => {
    const coded: CodedValue = {
      ruleId: 'BR-CL-16',
      list: 'UNTDID 4461',
      value: means.meansCode,
      path: paths.nth('BG-16', index),
    };
    if (means.meansCode !== undefined && !isListed(coded, invoice.syntax)) report(context, coded);
  });
}

function report(context: RuleContext, coded: CodedValue): void {
  const [term, termBg] = TERMS[coded.ruleId] ?? ['The code', 'Кодът'];
  const list = LISTS[coded.list];
  const hint = list.hint ? ` (${list.hint})` : '';
  const hintBg = list.hint ? ` (${list.hintBg ?? list.hint.replace(/^e\.g\. /, 'напр. ')})` : '';
  const where = `at ${coded.path}`;
  const whereBg = `в ${coded.path}`;
  if (coded.value === undefined || coded.value === '') {
    context.fatal(
      coded.ruleId,
      coded.path,
      `${term} ${where} is ${coded.value === undefined ? 'missing' : 'empty'}; give a code of ${list.name}${hint}.`,
      `${termBg} ${whereBg} ${coded.value === undefined ? 'липсва' : 'няма стойност'}; посочете код от ${list.nameBg}${hintBg}.`,
    );
    return;
  }
  // Bulgaria adopted the euro on 2026-01-01 and the artefacts' ISO 4217 list no longer has the lev.
  const lev = coded.list === 'ISO 4217' && coded.value === 'BGN';
  context.fatal(
    coded.ruleId,
    coded.path,
    `${term} ${quote(coded.value)} ${where} is not in ${list.name}${hint}.${lev ? ' BGN left ISO 4217 when Bulgaria adopted the euro on 2026-01-01; use EUR.' : ''}`,
    `${termBg} ${quoteBg(coded.value)} ${whereBg} не е от ${list.nameBg}${hintBg}.${lev ? ' BGN отпадна от ISO 4217 с въвеждането на еврото в България на 01.01.2026; използвайте EUR.' : ''}`,
  );
}
