// The machine's position for a check-in, if the operating system gives one within 3 seconds.
import type { GeoPoint } from "./api";

export function currentPosition(timeoutMs = 3000): Promise<GeoPoint | null> {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) {
      resolve(null);
      return;
    }
    let settled = false;
    const finish = (point: GeoPoint | null) => {
      if (settled) return;
      settled = true;
      window.clearTimeout(guard);
      resolve(point);
    };
    // Some WebViews never call back (a permission prompt nobody answers): give up on our own too.
    const guard = window.setTimeout(() => finish(null), timeoutMs + 200);
    try {
      navigator.geolocation.getCurrentPosition(
        (p) =>
          finish({
            lat: p.coords.latitude,
            lon: p.coords.longitude,
            accuracy_m: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : null,
          }),
        () => finish(null),
        { timeout: timeoutMs, maximumAge: 60_000, enableHighAccuracy: true },
      );
    } catch {
      finish(null);
    }
  });
}
