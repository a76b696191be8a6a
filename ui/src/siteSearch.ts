// The site search box's words, shared by the catalogue and the fault form: a site matches when each
// word appears in its code, name, address or a device's model or serial.
import type { CatalogueSite } from "./api";

/** The box's text as lower-case words. */
export function searchWords(text: string): string[] {
  return text.trim().toLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether a site is what the search box asks for: its code, name, address or a device's model or serial. */
export function siteMatches(entry: CatalogueSite, words: string[]): boolean {
  const text = [
    entry.site.code,
    entry.site.name,
    entry.site.address,
    ...entry.devices.flatMap((d) => [d.model, d.serial ?? ""]),
  ]
    .join(" ")
    .toLowerCase();
  return words.every((w) => text.includes(w));
}
