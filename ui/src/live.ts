// Display-only liveness: a one-second tick for countdown text, and the 30-second re-fetch from the core.
import { onMounted, onUnmounted, ref } from "vue";
import type { Clock } from "./api";

/** Milliseconds since the epoch, updated every second while some countdown is on screen. */
export const nowMs = ref(Date.now());
let tickers = 0;
let tickTimer: number | undefined;

function startTicking(): void {
  tickers += 1;
  if (tickTimer === undefined) {
    nowMs.value = Date.now();
    tickTimer = window.setInterval(() => (nowMs.value = Date.now()), 1000);
  }
}

function stopTicking(): void {
  tickers -= 1;
  if (tickers <= 0 && tickTimer !== undefined) {
    window.clearInterval(tickTimer);
    tickTimer = undefined;
    tickers = 0;
  }
}

/** Keeps `nowMs` ticking while the calling component is mounted. */
export function useTick(): void {
  onMounted(startTicking);
  onUnmounted(stopTicking);
}

/**
 * The core's `remaining_seconds`, less the whole seconds elapsed since it was fetched: the text of a
 * countdown only. The state and the real figure come from the next fetch.
 */
export function remainingNow(clock: Clock, fetchedAtMs: number, now: number): number | null {
  if (clock.remaining_seconds === null) return null;
  return clock.remaining_seconds - Math.floor(Math.max(0, now - fetchedAtMs) / 1000);
}

/** Calls `refresh` every `everyMs` (30 s by default) while the calling component is mounted. */
export function useAutoRefresh(refresh: () => unknown, everyMs = 30_000): void {
  let timer: number | undefined;
  onMounted(() => {
    timer = window.setInterval(() => void refresh(), everyMs);
  });
  onUnmounted(() => window.clearInterval(timer));
}
