import { Pipe, PipeTransform } from '@angular/core';
import { formatCalendarDate, formatMoney, formatNumber, formatPercent, formatTimestamp } from './format';

@Pipe({ name: 'money' })
export class MoneyPipe implements PipeTransform {
  transform(amount: string | null | undefined, currency: string): string {
    return formatMoney(amount, currency);
  }
}

@Pipe({ name: 'decimal' })
export class DecimalPipe implements PipeTransform {
  transform(value: string | null | undefined): string {
    return formatNumber(value);
  }
}

@Pipe({ name: 'percent' })
export class PercentPipe implements PipeTransform {
  transform(rate: string | null | undefined): string {
    return formatPercent(rate);
  }
}

@Pipe({ name: 'calendarDate' })
export class CalendarDatePipe implements PipeTransform {
  transform(date: string | null | undefined): string {
    return formatCalendarDate(date);
  }
}

@Pipe({ name: 'timestamp' })
export class TimestampPipe implements PipeTransform {
  transform(timestamp: string | null | undefined): string {
    return formatTimestamp(timestamp);
  }
}

/** Everything the invoice pages need to write amounts and dates. */
export const FORMAT_PIPES = [MoneyPipe, DecimalPipe, PercentPipe, CalendarDatePipe, TimestampPipe] as const;
