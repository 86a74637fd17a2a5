/**
 * EN 16931 VAT category rules: BR-S (standard), BR-Z (zero rated), BR-E (exempt), BR-AE (reverse charge),
 * BR-IC (intra-community, code K), BR-G (export, code G), BR-O (not subject to VAT), BR-IG (IGIC, code L) and
 * BR-IP (IPSI, code M). The CEN artefacts since v1.3.11 call the last two BR-AF and BR-AG; the hub keeps the
 * standard's names. Rule n of each family has the same meaning in every family (01 breakdown present,
 * 02–04 identifiers, 05–07 rates, 08 taxable amount, 09 VAT amount, 10 exemption reason).
 */
import type { AllowanceCharge } from '../invoice/model';
import { type Amount, amount, round2, show, sum } from './amounts';
import { type RuleContext, present } from './context';

interface Category {
  code: string;
  prefix: string;
  name: string;
  nameBg: string;
  /** Rate condition for lines, allowances and charges. */
  rate: 'positive' | 'zero' | 'none' | 'zero-or-positive';
  /** Whether the breakdown is per rate with ±1 tolerance (rated categories) or one exact total. */
  rated: boolean;
  exemptionReason: 'required' | 'forbidden';
  /** Which identifiers a line/allowance/charge of this category requires. */
  identifiers: 'seller-any' | 'seller-vat' | 'seller-and-buyer-vat' | 'seller-and-buyer-any' | 'none-at-all';
}

const CATEGORIES: Category[] = [
  {
    code: 'S',
    prefix: 'BR-S',
    name: 'Standard rated',
    nameBg: 'стандартна ставка',
    rate: 'positive',
    rated: true,
    exemptionReason: 'forbidden',
    identifiers: 'seller-any',
  },
  {
    code: 'Z',
    prefix: 'BR-Z',
    name: 'Zero rated',
    nameBg: 'нулева ставка',
    rate: 'zero',
    rated: false,
    exemptionReason: 'forbidden',
    identifiers: 'seller-any',
  },
  {
    code: 'E',
    prefix: 'BR-E',
    name: 'Exempt from VAT',
    nameBg: 'освободена доставка',
    rate: 'zero',
    rated: false,
    exemptionReason: 'required',
    identifiers: 'seller-any',
  },
  {
    code: 'AE',
    prefix: 'BR-AE',
    name: 'Reverse charge',
    nameBg: 'обратно начисляване',
    rate: 'zero',
    rated: false,
    exemptionReason: 'required',
    identifiers: 'seller-and-buyer-any',
  },
  {
    code: 'K',
    prefix: 'BR-IC',
    name: 'Intra-community supply',
    nameBg: 'вътреобщностна доставка',
    rate: 'zero',
    rated: false,
    exemptionReason: 'required',
    identifiers: 'seller-and-buyer-vat',
  },
  {
    code: 'G',
    prefix: 'BR-G',
    name: 'Export outside the EU',
    nameBg: 'износ извън ЕС',
    rate: 'zero',
    rated: false,
    exemptionReason: 'required',
    identifiers: 'seller-vat',
  },
  {
    code: 'O',
    prefix: 'BR-O',
    name: 'Not subject to VAT',
    nameBg: 'необлагаема доставка',
    rate: 'none',
    rated: false,
    exemptionReason: 'required',
    identifiers: 'none-at-all',
  },
  {
    code: 'L',
    prefix: 'BR-IG',
    name: 'IGIC (Canary Islands)',
    nameBg: 'IGIC (Канарски острови)',
    rate: 'zero-or-positive',
    rated: true,
    exemptionReason: 'forbidden',
    identifiers: 'seller-any',
  },
  {
    code: 'M',
    prefix: 'BR-IP',
    name: 'IPSI (Ceuta and Melilla)',
    nameBg: 'IPSI (Сеута и Мелила)',
    rate: 'zero-or-positive',
    rated: true,
    exemptionReason: 'forbidden',
    identifiers: 'seller-any',
  },
];

export function checkVatCategoryRules(context: RuleContext): void {
  for (const category of CATEGORIES) checkCategory(context, category);
  checkNotSubjectExcludesOthers(context);
  checkIntraCommunityDelivery(context);
}

const id = (category: Category, n: number): string => `${category.prefix}-${String(n).padStart(2, '0')}`;

function checkCategory(context: RuleContext, category: Category): void {
  const { invoice, paths } = context;
  const { code } = category;
  const label = `"${category.name}" (${code})`;
  const labelBg = `„${category.nameBg}“ (${code})`;
  const lines = invoice.lines
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => line.vatCategoryCode === code);
  const documentLevel = invoice.allowanceCharges
    .map((charge, index) => ({ charge, index }))
    .filter(({ charge }) => charge.vatCategoryCode === code);
  const breakdowns = invoice.vatBreakdown
    .map((vat, index) => ({ vat, index }))
    .filter(({ vat }) => vat.categoryCode === code);
  const used = lines.length + documentLevel.length;

  // 01: the VAT breakdown carries the category when lines, allowances or charges use it.
  const breakdownOk = category.rated
    ? used > 0 === breakdowns.length > 0
    : used + breakdowns.length === 0 || breakdowns.length === 1;
  if (!breakdownOk) {
    context.fatal(
      id(category, 1),
      paths.of('BG-23'),
      category.rated
        ? used > 0
          ? `Lines, allowances or charges use VAT category ${label} but the VAT breakdown (BG-23) has no entry for it; add one.`
          : `The VAT breakdown (BG-23) has an entry for category ${label} but no line, allowance or charge uses it; remove it or fix the categories.`
        : `An invoice using VAT category ${label} must have exactly one VAT breakdown (BG-23) for it; found ${breakdowns.length}.`,
      category.rated
        ? used > 0
          ? `Редове, отстъпки или надбавки са с ДДС категория ${labelBg}, но разбивката по ДДС (BG-23) няма запис за нея; добавете го.`
          : `Разбивката по ДДС (BG-23) има запис за категория ${labelBg}, но никой ред, отстъпка или надбавка не я използва; премахнете го или поправете категориите.`
        : `Фактура с ДДС категория ${labelBg} трябва да има точно една разбивка по ДДС (BG-23) за нея; намерени: ${breakdowns.length}.`,
    );
  }

  // 02–04: identifiers the category needs.
  const identifierProblem = missingIdentifiers(context, category);
  if (identifierProblem) {
    const [message, messageBg] = identifierProblem;
    if (lines.length > 0)
      context.fatal(
        id(category, 2),
        paths.line(lines[0].index),
        `Line ${lines[0].index + 1} has VAT category ${label}: ${message}`,
        `Ред ${lines[0].index + 1} е с ДДС категория ${labelBg}: ${messageBg}`,
      );
    // 03 names the first allowance, 04 the first charge, both from the one BG-20 list.
    const documentLevelKinds = [
      { isCharge: false, number: 3, what: 'A document level allowance', whatBg: 'Отстъпка на ниво документ' },
      { isCharge: true, number: 4, what: 'A document level charge', whatBg: 'Надбавка на ниво документ' },
    ];
    for (const { isCharge, number, what, whatBg } of documentLevelKinds) {
      const first = documentLevel.find(({ charge }) => charge.isCharge === isCharge);
      if (first)
        context.fatal(
          id(category, number),
          paths.nth('BG-20', first.index),
          `${what} has VAT category ${label}: ${message}`,
          `${whatBg} е с ДДС категория ${labelBg}: ${messageBg}`,
        );
    }
  }

  // 05–07: rates.
  for (const { line, index } of lines)
    checkRate(
      context,
      category,
      5,
      line.vatRate,
      paths.line(index, 'BT-152'),
      `line ${index + 1}`,
      `ред ${index + 1}`,
    );
  for (const { charge, index } of documentLevel) {
    checkRate(
      context,
      category,
      charge.isCharge ? 7 : 6,
      charge.vatRate,
      paths.nth('BG-20', index),
      `document level ${charge.isCharge ? 'charge' : 'allowance'} ${index + 1}`,
      `${charge.isCharge ? 'надбавка' : 'отстъпка'} ${index + 1} на ниво документ`,
    );
  }

  for (const { vat, index } of breakdowns) {
    const path = paths.nth('BG-23', index);
    const taxable = amount(vat.taxableAmount);
    // 08: taxable amount = lines − allowances + charges of this category (and rate, for rated categories).
    if (taxable) {
      const rate = amount(vat.rate);
      const sameRate = (value: string | undefined): boolean =>
        !category.rated || (rate !== undefined && amount(value)?.eq(rate) === true);
      const expected = sum(
        lines.filter(({ line }) => sameRate(line.vatRate)).map(({ line }) => amount(line.netAmount)),
      )
        .plus(
          sumCharges(
            documentLevel
              .map(({ charge }) => charge)
              .filter((charge) => charge.isCharge && sameRate(charge.vatRate)),
          ),
        )
        .minus(
          sumCharges(
            documentLevel
              .map(({ charge }) => charge)
              .filter((charge) => !charge.isCharge && sameRate(charge.vatRate)),
          ),
        );
      const rateUsed =
        !category.rated ||
        lines.some(({ line }) => sameRate(line.vatRate)) ||
        documentLevel.some(({ charge }) => sameRate(charge.vatRate));
      const ok = category.rated
        ? rateUsed && taxable.minus(1).lt(expected) && taxable.plus(1).gt(expected)
        : taxable.eq(expected);
      if (!ok && (category.rated ? rate !== undefined : true)) {
        context.fatal(
          id(category, 8),
          path,
          `The taxable amount (BT-116) for VAT category ${label}${category.rated ? ` at ${vat.rate} %` : ''} is ${vat.taxableAmount} but the lines minus allowances plus charges of that category${category.rated ? ' and rate' : ''} add up to ${show(expected)}${rateUsed ? '' : ' (no line, allowance or charge has that rate)'}; correct the breakdown.`,
          `Данъчната основа (BT-116) за ДДС категория ${labelBg}${category.rated ? ` при ${vat.rate} %` : ''} е ${vat.taxableAmount}, а редовете минус отстъпките плюс надбавките с тази категория${category.rated ? ' и ставка' : ''} дават ${show(expected)}${rateUsed ? '' : ' (няма ред, отстъпка или надбавка с тази ставка)'}; поправете разбивката.`,
        );
      }
    }
    // 09: VAT amount.
    const tax = amount(vat.taxAmount);
    if (tax) {
      const rate = amount(vat.rate);
      let expected: Amount | undefined;
      let ok: boolean;
      if (category.rated) {
        expected = taxable && rate ? round2(taxable.abs().times(rate).div(100)) : undefined;
        ok = expected !== undefined && tax.abs().minus(1).lt(expected) && tax.abs().plus(1).gt(expected);
      } else {
        ok = tax.eq(0);
      }
      if (!ok) {
        context.fatal(
          id(category, 9),
          path,
          category.rated
            ? `The VAT amount (BT-117) for VAT category ${label} is ${vat.taxAmount} but taxable amount ${vat.taxableAmount || '(missing)'} × ${vat.rate ?? '(missing)'} % gives ${expected ? show(expected) : 'nothing'}; correct the VAT amount.`
            : `The VAT amount (BT-117) for VAT category ${label} must be 0; found ${vat.taxAmount}.`,
          category.rated
            ? `Сумата на ДДС (BT-117) за категория ${labelBg} е ${vat.taxAmount}, а основа ${vat.taxableAmount || '(липсва)'} × ${vat.rate ?? '(липсва)'} % дава ${expected ? show(expected) : 'нищо'}; поправете сумата на ДДС.`
            : `Сумата на ДДС (BT-117) за категория ${labelBg} трябва да е 0; намерено ${vat.taxAmount}.`,
        );
      }
    }
    // 10: exemption reason.
    const hasReason = present(vat.exemptionReason) || present(vat.exemptionReasonCode);
    if (category.exemptionReason === 'required' && !hasReason) {
      context.fatal(
        id(category, 10),
        path,
        `The VAT breakdown for category ${label} needs the VAT exemption reason (BT-120) or its code (BT-121), i.e. the legal ground for not charging VAT; add it.`,
        `Разбивката по ДДС за категория ${labelBg} изисква основание за неначисляване на ДДС (BT-120) или неговия код (BT-121); добавете го.`,
      );
    }
    if (category.exemptionReason === 'forbidden' && hasReason) {
      context.fatal(
        id(category, 10),
        path,
        `The VAT breakdown for category ${label} must not carry a VAT exemption reason (BT-120/BT-121); found ${JSON.stringify(vat.exemptionReason ?? vat.exemptionReasonCode)}. Remove it, or use the category the reason belongs to (e.g. E for exempt).`,
        `Разбивката по ДДС за категория ${labelBg} не трябва да съдържа основание за освобождаване (BT-120/BT-121); намерено ${JSON.stringify(vat.exemptionReason ?? vat.exemptionReasonCode)}. Премахнете го или използвайте съответната категория (напр. E за освободени доставки).`,
      );
    }
  }
}

function sumCharges(charges: AllowanceCharge[]): Amount {
  return sum(charges.map((charge) => amount(charge.amount)));
}

function checkRate(
  context: RuleContext,
  category: Category,
  n: number,
  rateText: string | undefined,
  path: string,
  where: string,
  whereBg: string,
): void {
  const rate = amount(rateText);
  const label = `"${category.name}" (${category.code})`;
  const labelBg = `„${category.nameBg}“ (${category.code})`;
  let ok: boolean;
  let expected: string;
  let expectedBg: string;
  switch (category.rate) {
    case 'positive':
      ok = rate !== undefined && rate.gt(0);
      expected = 'greater than zero';
      expectedBg = 'по-голяма от нула';
      break;
    case 'zero':
      ok = rate !== undefined && rate.eq(0);
      expected = '0';
      expectedBg = '0';
      break;
    case 'zero-or-positive':
      ok = rate !== undefined && rate.gte(0);
      expected = '0 or greater';
      expectedBg = '0 или повече';
      break;
    case 'none':
      ok = rateText === undefined;
      expected = 'absent';
      expectedBg = 'да липсва';
      break;
  }
  if (!ok) {
    context.fatal(
      id(category, n),
      path,
      `The VAT rate of ${where} with VAT category ${label} must be ${expected}; found ${rateText === undefined ? 'no rate' : `${rateText} %`}.`,
      `Ставката на ДДС на ${whereBg} с категория ${labelBg} трябва да е ${expectedBg}; намерено ${rateText === undefined ? 'без ставка' : `${rateText} %`}.`,
    );
  }
}

/** Which identifier a category needs and the party lacks, as [message, messageBg]; undefined when satisfied. */
function missingIdentifiers(context: RuleContext, category: Category): [string, string] | undefined {
  const { seller, buyer, taxRepresentative } = context.invoice;
  const sellerAny =
    present(seller.vatId) || present(seller.taxRegistrationId) || present(taxRepresentative?.vatId);
  const sellerVat = present(seller.vatId) || present(taxRepresentative?.vatId);
  switch (category.identifiers) {
    case 'seller-any':
      return sellerAny
        ? undefined
        : [
            'the seller VAT identifier (BT-31), tax registration identifier (BT-32) or tax representative VAT identifier (BT-63) is required.',
            'изисква се ДДС номер на продавача (BT-31), данъчен регистрационен номер (BT-32) или ДДС номер на данъчния представител (BT-63).',
          ];
    case 'seller-vat':
      return sellerVat
        ? undefined
        : [
            'the seller VAT identifier (BT-31) or tax representative VAT identifier (BT-63) is required.',
            'изисква се ДДС номер на продавача (BT-31) или на данъчния представител (BT-63).',
          ];
    case 'seller-and-buyer-any':
      return sellerAny && (present(buyer.vatId) || present(buyer.legalRegistrationId?.value))
        ? undefined
        : [
            'both the seller VAT identifier (BT-31/BT-32/BT-63) and the buyer VAT identifier (BT-48) or legal registration identifier (BT-47) are required.',
            'изискват се ДДС номер на продавача (BT-31/BT-32/BT-63) и ДДС номер (BT-48) или регистрационен номер (BT-47) на купувача.',
          ];
    case 'seller-and-buyer-vat':
      return sellerVat && present(buyer.vatId)
        ? undefined
        : [
            'both the seller VAT identifier (BT-31 or BT-63) and the buyer VAT identifier (BT-48) are required.',
            'изискват се ДДС номерата и на продавача (BT-31 или BT-63), и на купувача (BT-48).',
          ];
    case 'none-at-all':
      return present(seller.vatId) || present(taxRepresentative?.vatId) || present(buyer.vatId)
        ? [
            'a supply not subject to VAT must not carry the seller (BT-31), tax representative (BT-63) or buyer (BT-48) VAT identifier; remove them or use another category.',
            'необлагаема доставка не трябва да съдържа ДДС номер на продавача (BT-31), на данъчния представител (BT-63) или на купувача (BT-48); премахнете ги или използвайте друга категория.',
          ]
        : undefined;
  }
}

/** BR-O-11…14: "not subject to VAT" cannot be mixed with any other category. */
function checkNotSubjectExcludesOthers(context: RuleContext): void {
  const { invoice, paths } = context;
  if (!invoice.vatBreakdown.some((vat) => vat.categoryCode === 'O')) return;
  const report = (
    ruleId: string,
    path: string,
    what: string,
    whatBg: string,
    code: string | undefined,
  ): void => {
    context.fatal(
      ruleId,
      path,
      `The invoice has a VAT breakdown "Not subject to VAT" (O), so ${what} cannot have another VAT category; found ${code}. Issue separate invoices.`,
      `Фактурата има разбивка „необлагаема доставка“ (O), затова ${whatBg} не може да е с друга ДДС категория; намерено ${code}. Издайте отделни фактури.`,
    );
  };
  const otherBreakdown = invoice.vatBreakdown.findIndex((vat) => vat.categoryCode !== 'O');
  if (otherBreakdown >= 0)
    report(
      'BR-O-11',
      paths.nth('BG-23', otherBreakdown),
      'another VAT breakdown',
      'друга разбивка по ДДС',
      invoice.vatBreakdown[otherBreakdown].categoryCode,
    );
  const otherLine = invoice.lines.findIndex(
    (line) => present(line.vatCategoryCode) && line.vatCategoryCode !== 'O',
  );
  if (otherLine >= 0)
    report(
      'BR-O-12',
      paths.line(otherLine, 'BT-151'),
      `line ${otherLine + 1}`,
      `ред ${otherLine + 1}`,
      invoice.lines[otherLine].vatCategoryCode,
    );
  // Allowances (BR-O-13) and charges (BR-O-14) stand in the one BG-20 list; each rule looks at its own kind.
  const documentLevelKinds = [
    {
      isCharge: false,
      ruleId: 'BR-O-13',
      what: 'a document level allowance',
      whatBg: 'отстъпка на ниво документ',
    },
    {
      isCharge: true,
      ruleId: 'BR-O-14',
      what: 'a document level charge',
      whatBg: 'надбавка на ниво документ',
    },
  ];
  for (const { isCharge, ruleId, what, whatBg } of documentLevelKinds) {
    const other = invoice.allowanceCharges.findIndex(
      (charge) =>
        charge.isCharge === isCharge && present(charge.vatCategoryCode) && charge.vatCategoryCode !== 'O',
    );
    if (other >= 0)
      report(
        ruleId,
        paths.nth('BG-20', other),
        what,
        whatBg,
        invoice.allowanceCharges[other].vatCategoryCode,
      );
  }
}

/** BR-IC-11, BR-IC-12: an intra-community supply states when and where goods were delivered. */
function checkIntraCommunityDelivery(context: RuleContext): void {
  const { invoice, paths } = context;
  if (!invoice.vatBreakdown.some((vat) => vat.categoryCode === 'K')) return;
  const period = invoice.invoicingPeriod;
  if (!present(invoice.delivery?.date) && !(period && (present(period.start) || present(period.end)))) {
    context.fatal(
      'BR-IC-11',
      paths.of('BT-72'),
      'An intra-community supply (K) needs the actual delivery date (BT-72) or the invoicing period (BG-14); neither is given.',
      'Вътреобщностна доставка (K) изисква дата на доставка (BT-72) или период на фактуриране (BG-14); не е посочено нито едното.',
    );
  }
  if (!present(invoice.delivery?.address?.countryCode)) {
    context.missing(
      'BR-IC-12',
      paths.of('BT-80'),
      'The deliver-to country code (BT-80), required for an intra-community supply (K),',
      'кодът на държавата на доставка (BT-80), задължителен при вътреобщностна доставка (K),',
    );
  }
}
