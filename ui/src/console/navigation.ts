// The console's pages as paths under /console/ (the server answers console.html for each), read
// into a reactive route; links go through `go`, so the back button walks the pages.
import { ref } from "vue";
import type { Role } from "../generated/office";

export const BASE = "/console/";

export type Page =
  | { page: "board" }
  | { page: "contracts" }
  | { page: "contract"; code: string }
  | { page: "catalogue"; contract?: string }
  | { page: "technicians" }
  | { page: "laptops" }
  | { page: "month" }
  | { page: "accounts" }
  | { page: "audit" }
  | { page: "call" }
  | { page: "fault"; id: string }
  | { page: "home" }
  | { page: "unknown"; path: string };

export function parsePath(pathname: string): Page {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname.replace(/^\/+/, "");
  let head: string;
  let second: string;
  try {
    [head, second] = rest.split("/", 2).map((part) => decodeURIComponent(part ?? ""));
  } catch {
    // A malformed escape (`/console/contracts/%E0`) throws URIError; at module load that would
    // blank the whole console, so it is a page we do not know.
    return { page: "unknown", path: rest };
  }
  switch (head) {
    case "":
    case "console":
      return { page: "home" };
    case "contracts":
      return second ? { page: "contract", code: second } : { page: "contracts" };
    case "catalogue":
      return second ? { page: "catalogue", contract: second } : { page: "catalogue" };
    case "faults":
      // "/console/faults/new" takes a call; "/console/faults/<id>" is one fault.
      if (second === "new") return { page: "call" };
      return second ? { page: "fault", id: second } : { page: "unknown", path: rest };
    case "board":
    case "technicians":
    case "laptops":
    case "month":
    case "accounts":
    case "audit":
      return { page: head };
    default:
      return { page: "unknown", path: rest };
  }
}

export const route = ref<Page>(parsePath(window.location.pathname));

window.addEventListener("popstate", () => {
  route.value = parsePath(window.location.pathname);
});

export function pathOf(page: Page): string {
  switch (page.page) {
    case "home":
      return BASE;
    case "contract":
      return `${BASE}contracts/${encodeURIComponent(page.code)}`;
    case "catalogue":
      return page.contract ? `${BASE}catalogue/${encodeURIComponent(page.contract)}` : `${BASE}catalogue`;
    case "call":
      return `${BASE}faults/new`;
    case "fault":
      return `${BASE}faults/${encodeURIComponent(page.id)}`;
    case "unknown":
      return BASE + page.path;
    default:
      return BASE + page.page;
  }
}

export function go(page: Page): void {
  const path = pathOf(page);
  if (window.location.pathname !== path) window.history.pushState(null, "", path);
  route.value = page;
}

export type Section = Exclude<Page["page"], "home" | "unknown" | "contract" | "fault">;

/** Which pages each role is offered; what it may do there the server decides. */
export const SECTIONS: Record<Role, Section[]> = {
  administrator: ["board", "call", "contracts", "catalogue", "technicians", "laptops", "month", "accounts", "audit"],
  project_manager: ["board", "call", "contracts", "catalogue", "technicians", "laptops", "month"],
  customer_manager: ["board", "call", "contracts", "month"],
};

/** The section a page belongs to: a contract's page goes with the contracts, a fault's with
 *  taking calls. */
export function sectionOf(page: Exclude<Page, { page: "home" } | { page: "unknown" }>): Section {
  if (page.page === "contract") return "contracts";
  if (page.page === "fault") return "call";
  return page.page;
}

/** Whether `role` is offered `page`. */
export function offered(role: Role, page: Page): boolean {
  if (page.page === "home") return true;
  if (page.page === "unknown") return false;
  return SECTIONS[role].includes(sectionOf(page));
}
