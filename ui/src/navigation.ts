// Hash navigation: "#/today", "#/faults/<id>", "#/report/<id>", ... parsed into a reactive route.
import { ref } from "vue";

export type Route =
  | { screen: "today" }
  | { screen: "faults" }
  | { screen: "fault"; id: string }
  | { screen: "reports" }
  | { screen: "report"; id: string }
  | { screen: "completion"; faultId: string }
  | { screen: "summary" }
  | { screen: "stock" }
  | { screen: "catalogue" }
  | { screen: "settings" }
  | { screen: "sync" }
  | { screen: "inspections" }
  | { screen: "inspection"; id: string }
  | { screen: "unknown"; path: string }
  // Issue 19: a call recorded in the app, with what the caller already knows filled in.
  | { screen: "reportFault"; prefill: FaultPrefill };

/** What the fault form starts from (a site's button, an inspection's finding). */
export interface FaultPrefill {
  contract?: string;
  site?: string;
  device?: string;
  description?: string;
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  if (path === "report-fault" || path.startsWith("report-fault?")) {
    const query = new URLSearchParams(path.slice("report-fault".length + 1));
    const prefill: FaultPrefill = {};
    for (const key of ["contract", "site", "device", "description"] as const) {
      const value = query.get(key);
      if (value) prefill[key] = value;
    }
    return { screen: "reportFault", prefill };
  }
  const [head, rawId] = path.split("/", 2);
  const id = rawId ? decodeURIComponent(rawId) : "";
  switch (head) {
    case "":
    case "today":
      return { screen: "today" };
    case "faults":
      return id ? { screen: "fault", id } : { screen: "faults" };
    case "reports":
      return { screen: "reports" };
    case "report":
      return id ? { screen: "report", id } : { screen: "reports" };
    case "completion":
      return id ? { screen: "completion", faultId: id } : { screen: "faults" };
    case "summary":
      return { screen: "summary" };
    case "stock":
      return { screen: "stock" };
    case "catalogue":
      return { screen: "catalogue" };
    case "settings":
      return { screen: "settings" };
    case "sync":
      return { screen: "sync" };
    case "inspections":
      return id ? { screen: "inspection", id } : { screen: "inspections" };
    default:
      return { screen: "unknown", path };
  }
}

/** The current hash (kept so a screen can be keyed by it) and its parsed route. */
export const currentHash = ref(window.location.hash || "#/today");
export const route = ref<Route>(parseHash(currentHash.value));

window.addEventListener("hashchange", () => {
  currentHash.value = window.location.hash || "#/today";
  route.value = parseHash(currentHash.value);
});

export const href = {
  today: () => "#/today",
  faults: () => "#/faults",
  fault: (id: string) => `#/faults/${encodeURIComponent(id)}`,
  reports: () => "#/reports",
  report: (id: string) => `#/report/${encodeURIComponent(id)}`,
  completion: (faultId: string) => `#/completion/${encodeURIComponent(faultId)}`,
  summary: () => "#/summary",
  stock: () => "#/stock",
  catalogue: () => "#/catalogue",
  settings: () => "#/settings",
  sync: () => "#/sync",
  inspections: () => "#/inspections",
  inspection: (id: string) => `#/inspections/${encodeURIComponent(id)}`,
  /** The fault form (报修), optionally filled in from a site or an inspection's finding. */
  reportFault: (prefill: FaultPrefill = {}) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(prefill)) if (value) query.set(key, value);
    const text = query.toString();
    return text ? `#/report-fault?${text}` : "#/report-fault";
  },
};

export function go(hash: string): void {
  window.location.hash = hash;
}
