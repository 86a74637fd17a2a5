/**
 * The words on the PDF, in Bulgarian and English. Every label is printed in both languages, the reader's first
 * ("Дата на издаване / Date of issue"); code lists (document types, VAT categories, payment means, units) likewise.
 */
export type PdfLanguage = 'bg' | 'en';

export type Bilingual = { bg: string; en: string };

export const LABELS = {
  number: { bg: '№', en: 'No.' },
  issueDate: { bg: 'Дата на издаване', en: 'Date of issue' },
  taxPointDate: { bg: 'Дата на данъчното събитие', en: 'Tax point date' },
  dueDate: { bg: 'Падеж', en: 'Due date' },
  deliveryDate: { bg: 'Дата на доставка', en: 'Delivery date' },
  period: { bg: 'Период', en: 'Invoicing period' },
  buyerReference: { bg: 'Ваш референтен №', en: 'Your reference' },
  order: { bg: 'Поръчка', en: 'Order' },
  contract: { bg: 'Договор', en: 'Contract' },
  corrects: { bg: 'Към фактура', en: 'Corrects invoice' },
  supplier: { bg: 'Доставчик', en: 'Supplier' },
  customer: { bg: 'Получател', en: 'Customer' },
  payee: { bg: 'Получател на плащането', en: 'Payee' },
  vatId: { bg: 'ДДС №', en: 'VAT ID' },
  eik: { bg: 'ЕИК', en: 'EIK (company ID)' },
  registration: { bg: 'Рег. №', en: 'Registration No.' },
  taxRegistration: { bg: 'Данъчна рег.', en: 'Tax registration' },
  identifier: { bg: 'Идентификатор', en: 'Identifier' },
  contact: { bg: 'Контакт', en: 'Contact' },
  line: { bg: '№', en: 'No.' },
  item: { bg: 'Описание', en: 'Description' },
  quantity: { bg: 'Кол.', en: 'Qty' },
  unit: { bg: 'Мярка', en: 'Unit' },
  unitPrice: { bg: 'Ед. цена', en: 'Unit price' },
  vatRate: { bg: 'ДДС %', en: 'VAT %' },
  netAmount: { bg: 'Стойност', en: 'Net amount' },
  allowance: { bg: 'Отстъпка', en: 'Allowance' },
  charge: { bg: 'Надбавка', en: 'Charge' },
  documentAdjustments: { bg: 'Отстъпки и надбавки', en: 'Allowances and charges' },
  vatBreakdown: { bg: 'Разбивка на ДДС', en: 'VAT breakdown' },
  vatCategory: { bg: 'Категория', en: 'Category' },
  taxableAmount: { bg: 'Данъчна основа', en: 'Taxable amount' },
  vatAmount: { bg: 'Размер на ДДС', en: 'VAT amount' },
  exemption: { bg: 'Основание', en: 'Exemption reason' },
  lineNetTotal: { bg: 'Сума на редовете', en: 'Sum of lines' },
  allowanceTotal: { bg: 'Отстъпки', en: 'Allowances' },
  chargeTotal: { bg: 'Надбавки', en: 'Charges' },
  taxExclusive: { bg: 'Сума без ДДС', en: 'Total without VAT' },
  vatTotal: { bg: 'ДДС', en: 'VAT' },
  taxInclusive: { bg: 'Сума с ДДС', en: 'Total with VAT' },
  prepaid: { bg: 'Платено авансово', en: 'Paid in advance' },
  rounding: { bg: 'Закръгляне', en: 'Rounding' },
  payable: { bg: 'Сума за плащане', en: 'Amount payable' },
  payment: { bg: 'Плащане', en: 'Payment' },
  paymentMeans: { bg: 'Начин на плащане', en: 'Payment means' },
  iban: { bg: 'IBAN', en: 'IBAN' },
  bic: { bg: 'BIC', en: 'BIC' },
  accountName: { bg: 'Титуляр', en: 'Account holder' },
  paymentReference: { bg: 'Основание за плащане', en: 'Payment reference' },
  paymentTerms: { bg: 'Условия за плащане', en: 'Payment terms' },
  card: { bg: 'Карта, завършваща на', en: 'Card ending' },
  directDebit: { bg: 'Директен дебит', en: 'Direct debit' },
  mandate: { bg: 'Мандат', en: 'Mandate' },
  notes: { bg: 'Бележки', en: 'Notes' },
  currency: { bg: 'Валута', en: 'Currency' },
  page: { bg: 'Страница', en: 'Page' },
  rendering: {
    bg: 'Визуализация на електронната фактура, създадена от хъба от архивирания документ. Правно валиден е оригиналният XML.',
    en: 'A rendering of the e-invoice made by the hub from the archived document. The original XML is the legal document.',
  },
} satisfies Record<string, Bilingual>;

/** UNTDID 1001 document type codes met on Bulgarian and EU invoices. */
export const DOCUMENT_NAMES: Record<string, Bilingual> = {
  '380': { bg: 'Фактура', en: 'Invoice' },
  '381': { bg: 'Кредитно известие', en: 'Credit note' },
  '383': { bg: 'Дебитно известие', en: 'Debit note' },
  '384': { bg: 'Коригираща фактура', en: 'Corrected invoice' },
  '386': { bg: 'Фактура за авансово плащане', en: 'Prepayment invoice' },
  '389': { bg: 'Фактура (самофактуриране)', en: 'Self-billed invoice' },
  '326': { bg: 'Частична фактура', en: 'Partial invoice' },
};

/** UNTDID 5305 VAT category codes. */
export const VAT_CATEGORIES: Record<string, Bilingual> = {
  S: { bg: 'Стандартна ставка', en: 'Standard rate' },
  Z: { bg: 'Нулева ставка', en: 'Zero rated' },
  E: { bg: 'Освободена доставка', en: 'Exempt' },
  AE: { bg: 'Обратно начисляване', en: 'Reverse charge' },
  K: { bg: 'Вътреобщностна доставка', en: 'Intra-EU supply' },
  G: { bg: 'Износ извън ЕС', en: 'Export outside the EU' },
  O: { bg: 'Извън обхвата на ДДС', en: 'Outside the scope of VAT' },
  L: { bg: 'Данък на Канарските острови', en: 'Canary Islands tax' },
  M: { bg: 'Данък в Сеута и Мелия', en: 'Ceuta and Melilla tax' },
};

/** UNTDID 4461 payment means codes. */
export const PAYMENT_MEANS: Record<string, Bilingual> = {
  '1': { bg: 'Не е посочен', en: 'Not specified' },
  '10': { bg: 'В брой', en: 'Cash' },
  '20': { bg: 'Чек', en: 'Cheque' },
  '30': { bg: 'Банков превод', en: 'Credit transfer' },
  '31': { bg: 'Дебитен превод', en: 'Debit transfer' },
  '42': { bg: 'Плащане по банкова сметка', en: 'Payment to bank account' },
  '48': { bg: 'Банкова карта', en: 'Bank card' },
  '49': { bg: 'Директен дебит', en: 'Direct debit' },
  '57': { bg: 'Постоянно споразумение', en: 'Standing agreement' },
  '58': { bg: 'SEPA кредитен превод', en: 'SEPA credit transfer' },
  '59': { bg: 'SEPA директен дебит', en: 'SEPA direct debit' },
  '68': { bg: 'Онлайн платежна услуга', en: 'Online payment service' },
  '97': { bg: 'Прихващане между партньорите', en: 'Clearing between partners' },
  ZZZ: { bg: 'По взаимно съгласие', en: 'Mutually defined' },
};

/** UN/ECE Recommendation 20 unit codes met on invoices. */
export const UNITS: Record<string, Bilingual> = {
  C62: { bg: 'бр.', en: 'pcs' },
  H87: { bg: 'бр.', en: 'pcs' },
  EA: { bg: 'бр.', en: 'each' },
  XPP: { bg: 'бр.', en: 'pcs' },
  SET: { bg: 'компл.', en: 'sets' },
  HUR: { bg: 'ч', en: 'h' },
  MIN: { bg: 'мин', en: 'min' },
  DAY: { bg: 'дни', en: 'days' },
  WEE: { bg: 'седм.', en: 'weeks' },
  MON: { bg: 'мес.', en: 'months' },
  ANN: { bg: 'год.', en: 'years' },
  KGM: { bg: 'кг', en: 'kg' },
  GRM: { bg: 'г', en: 'g' },
  TNE: { bg: 'т', en: 't' },
  MTR: { bg: 'м', en: 'm' },
  KMT: { bg: 'км', en: 'km' },
  MTK: { bg: 'м²', en: 'm²' },
  MTQ: { bg: 'м³', en: 'm³' },
  LTR: { bg: 'л', en: 'l' },
  KWH: { bg: 'kWh', en: 'kWh' },
  MWH: { bg: 'MWh', en: 'MWh' },
  LS: { bg: 'еднократно', en: 'lump sum' },
};

/** "Дата на издаване / Date of issue": the reader's language first. */
export function both(text: Bilingual, language: PdfLanguage): string {
  const other: PdfLanguage = language === 'bg' ? 'en' : 'bg';
  return text[language] === text[other] ? text[language] : `${text[language]} / ${text[other]}`;
}
