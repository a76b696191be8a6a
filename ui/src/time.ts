// Showing instants: Asia/Shanghai, 24-hour ("2026-11-22 13:05"), and durations as h:mm:ss.
import type { Instant } from "./api";
import { m } from "./i18n";

const minuteFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

const secondFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function assemble(format: Intl.DateTimeFormat, date: Date): string {
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(date)) part[p.type] = p.value;
  const day = `${part.year}-${part.month}-${part.day}`;
  const clock = part.second ? `${part.hour}:${part.minute}:${part.second}` : `${part.hour}:${part.minute}`;
  return `${day} ${clock}`;
}

function parse(instant: Instant | null | undefined): Date | null {
  if (!instant) return null;
  const date = new Date(instant);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-11-22 13:05" in Asia/Shanghai; "—" when there is no time. */
export function shanghaiMinute(instant: Instant | null | undefined): string {
  const date = parse(instant);
  return date ? assemble(minuteFormat, date) : m.value.time.unknown;
}

/** "2026-11-22 13:05:09" in Asia/Shanghai, for the timeline and signatures. */
export function shanghaiSecond(instant: Instant | null | undefined): string {
  const date = parse(instant);
  return date ? assemble(secondFormat, date) : m.value.time.unknown;
}

/** A length of time as "1:05:09", or "2天 03:00:00" past a day; the sign is dropped. */
export function duration(seconds: number): string {
  const total = Math.abs(Math.trunc(seconds));
  const days = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  const clock = `${days > 0 ? two(h) : h}:${two(min)}:${two(s)}`;
  return days > 0 ? `${m.value.countdown.days(days)} ${clock}` : clock;
}

const monthFormat = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" });

/** This month in Asia/Shanghai as "2026-11" (the default month of monthly summaries). Assembled from
 *  its parts: the whole formatted string differs between ICU versions ("2026-11" or "11/2026"), and
 *  WebKitGTK's gives one a month field rejects. */
export function shanghaiMonth(now: Date = new Date()): string {
  const part: Record<string, string> = {};
  for (const p of monthFormat.formatToParts(now)) part[p.type] = p.value;
  return `${part.year}-${part.month}`;
}

const dayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today in Asia/Shanghai as "2026-11-22" (a date field's default: the UTC day is still yesterday
 *  before 08:00 there). Assembled from its parts, as `shanghaiMonth` is. */
export function shanghaiDay(now: Date = new Date()): string {
  const part: Record<string, string> = {};
  for (const p of dayFormat.formatToParts(now)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day}`;
}

/** An instant as a `datetime-local` field's value in Asia/Shanghai ("2026-11-22T13:05"), whatever
 *  the browser's own zone. */
export function shanghaiInput(instant: Date = new Date()): string {
  return assemble(minuteFormat, instant).replace(" ", "T");
}

/** A `datetime-local` value read as Asia/Shanghai time (UTC+8, no daylight saving) as an RFC 3339
 *  instant; null when it is not a time. */
export function fromShanghaiInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(`${value.length === 16 ? `${value}:00` : value}+08:00`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
