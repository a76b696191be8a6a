// The console's language switch over the app's one `locale` (../i18n.ts), remembered per browser.
import { locale, setLocale, type Locale } from "../i18n";
import { consoleEn, consoleZh } from "./messages";

export function chooseLanguage(next: Locale): void {
  setLocale(next);
  document.title = locale.value === "en" ? consoleEn.appName : consoleZh.appName;
  window.localStorage.setItem("fieldlog-console-language", locale.value);
}
