import { Pipe, PipeTransform, inject } from '@angular/core';
import { Language } from '../i18n/language.service';
import type { LanguageCode } from '../i18n/languages';
import { formatCalendarDate, formatMoney, formatNumber, formatPercent, formatTimestamp } from './format';

/**
 * Formatting pipes that follow the language on screen. They are impure so that they read the language signal on
 * every check (which is what makes an OnPush view re-render on a switch), and each remembers its last answer, so a
 * check that changed nothing formats nothing.
 */
abstract class LanguagePipe<Args extends unknown[]> {
  private readonly language = inject(Language);
  private lastLanguage: LanguageCode | undefined;
  private lastArgs: Args | undefined;
  private lastText = '';

  protected abstract format(language: LanguageCode, ...args: Args): string;

  transform(...args: Args): string {
    const language = this.language.current();
    const lastArgs = this.lastArgs;
    if (
      language === this.lastLanguage &&
      lastArgs !== undefined &&
      lastArgs.length === args.length &&
      lastArgs.every((arg, index) => arg === args[index])
    ) {
      return this.lastText;
    }
    this.lastLanguage = language;
    this.lastArgs = args;
    this.lastText = this.format(language, ...args);
    return this.lastText;
  }
}

/** `{{ invoice.total | money: invoice.currency }}` → "706,10 €" / "€706.10". */
@Pipe({ name: 'money', pure: false })
export class MoneyPipe
  extends LanguagePipe<[amount: string | null | undefined, currency: string]>
  implements PipeTransform
{
  protected format(language: LanguageCode, amount: string | null | undefined, currency: string): string {
    return formatMoney(amount, currency, language);
  }
}

/** `{{ line.quantity | decimal }}` → "1 234,5" / "1,234.5". */
@Pipe({ name: 'decimal', pure: false })
export class DecimalPipe extends LanguagePipe<[value: string | null | undefined]> implements PipeTransform {
  protected format(language: LanguageCode, value: string | null | undefined): string {
    return formatNumber(value, language);
  }
}

/** `{{ line.vatRate | percent }}` → "20 %" / "20%". */
@Pipe({ name: 'percent', pure: false })
export class PercentPipe extends LanguagePipe<[rate: string | null | undefined]> implements PipeTransform {
  protected format(language: LanguageCode, rate: string | null | undefined): string {
    return formatPercent(rate, language);
  }
}

/** `{{ invoice.issueDate | calendarDate }}` → "15.01.2026" / "15 Jan 2026". */
@Pipe({ name: 'calendarDate', pure: false })
export class CalendarDatePipe
  extends LanguagePipe<[date: string | null | undefined]>
  implements PipeTransform
{
  protected format(language: LanguageCode, date: string | null | undefined): string {
    return formatCalendarDate(date, language);
  }
}

/** `{{ entry.at | timestamp }}` → "15.01.2026, 11:00" / "15 Jan 2026, 11:00". */
@Pipe({ name: 'timestamp', pure: false })
export class TimestampPipe
  extends LanguagePipe<[timestamp: string | null | undefined]>
  implements PipeTransform
{
  protected format(language: LanguageCode, timestamp: string | null | undefined): string {
    return formatTimestamp(timestamp, language);
  }
}

/** Everything the invoice pages need to write amounts and dates. */
export const FORMAT_PIPES = [MoneyPipe, DecimalPipe, PercentPipe, CalendarDatePipe, TimestampPipe] as const;
