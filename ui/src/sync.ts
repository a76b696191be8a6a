// Background sync as the window sees it: the latest `SyncActivity`, fetched once and then kept
// current by the app's `sync-activity` events. Display only: the core decides when to sync.
import { ref } from "vue";
import { api, listen, type SyncActivity } from "./api";

export const syncActivity = ref<SyncActivity | null>(null);

let started = false;

/** Starts following background sync (once per window). */
export async function followSync(): Promise<void> {
  if (started) return;
  started = true;
  await listen<SyncActivity>("sync-activity", (activity) => (syncActivity.value = activity));
  try {
    syncActivity.value = await api.syncActivity();
  } catch {
    // The indicator stays empty; the sync screen shows the error when opened.
  }
}

/** "立即同步": asks the core for a round now; progress then arrives as events. */
export async function syncNow(): Promise<void> {
  syncActivity.value = await api.syncNow();
}
