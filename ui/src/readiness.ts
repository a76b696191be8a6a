// The start-up marker: `data-ready` on the root element once the first screen's data has loaded.
import { ref } from "vue";

/** "true" once the first screen has its data, "error" if that first load failed; null before. */
export const firstScreen = ref<"true" | "error" | null>(null);

export function screenLoaded(ok: boolean): void {
  if (firstScreen.value === null) firstScreen.value = ok ? "true" : "error";
}
