/**
 * ePay.bg writes and reads times as Bulgarian wall-clock time without an offset (EXP_TIME, PAY_TIME). These turn
 * them into instants and back, daylight saving included. No dependencies: the simulated provider uses them too.
 */
const ZONE = 'Europe/Sofia';

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The Sofia wall clock at an instant. */
export function sofiaWallClock(at: Date): WallClock {
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(wallClock.formatToParts(at).find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

/**
 * The instant a Sofia wall-clock time names. The hour repeated each autumn is read as the later of the two (winter
 * time); a time in the hour skipped each spring comes out an hour on.
 */
export function fromSofiaWallClock(time: WallClock): Date {
  const asIfUtc = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  // The offset at the guessed instant may differ from the one at the true instant near a change: look twice.
  let instant = asIfUtc - offsetMinutes(new Date(asIfUtc)) * 60_000;
  instant = asIfUtc - offsetMinutes(new Date(instant)) * 60_000;
  return new Date(instant);
}

/** ISO 8601 with Sofia's offset, e.g. "2026-03-05T14:30:00+02:00". */
export function toSofiaIso(at: Date): string {
  const t = sofiaWallClock(at);
  const offset = offsetMinutes(at);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${t.year}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}` +
    `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}

export function two(n: number): string {
  return n.toString().padStart(2, '0');
}

function offsetMinutes(at: Date): number {
  const t = sofiaWallClock(at);
  const wallAsUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return Math.round((wallAsUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}
