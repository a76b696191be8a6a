// Who is using this computer and how: the profile (technician) and the saved settings, shared by all screens.
import { ref } from "vue";
import { api, type Settings, type Technician } from "./api";
import { failure } from "./failure";
import { setLocale } from "./i18n";

export const profile = ref<Technician | null>(null);
export const settings = ref<Settings | null>(null);

/** Reads the profile and the settings (language) at start-up; a failure leaves the defaults. */
export async function loadSession(): Promise<string | null> {
  const [p, s] = await Promise.allSettled([api.profile(), api.settings()]);
  if (p.status === "fulfilled") profile.value = p.value;
  if (s.status === "fulfilled") {
    settings.value = s.value;
    setLocale(s.value.language);
  }
  for (const result of [p, s]) {
    if (result.status === "rejected") return failure(result.reason).message;
  }
  return null;
}
