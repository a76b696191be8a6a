// The console's way to the server: the office API (`/office/v1`, crates/fieldlog-server/src/office).
// Every change carries the session's CSRF token; every refusal arrives as `{code, message}`
// (OfficeErrorBody, message Chinese first) and is thrown as a ConsoleError with that message;
// a 401 ends the session here too, so the shell shows the sign-in page. No rule is decided here.
import type { ImportProblem, OfficeErrorBody, OfficeErrorCode } from "../generated/office";
import { m } from "../i18n";

export const PREFIX = "/office/v1";
const CSRF_HEADER = "X-Fieldlog-Csrf";

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: OfficeErrorCode | "network",
    message: string,
    /** A refused import's bad rows (the body's `rows`), empty for any other refusal. */
    readonly rows: ImportProblem[] = [],
  ) {
    super(message);
  }
}

let csrfToken = "";
let onUnauthorized: () => void = () => {};

/** The session's CSRF token, from the sign-in answer or `GET /me`. */
export function setCsrf(token: string): void {
  csrfToken = token;
}

/** What to do when the server says the session is gone (401). */
export function whenUnauthorized(action: () => void): void {
  onUnauthorized = action;
}

function refusal(status: number, text: string): ConsoleError {
  let body: Partial<OfficeErrorBody> = {};
  try {
    body = JSON.parse(text) as OfficeErrorBody;
  } catch {
    // Not one of ours (a proxy's page): say what the status means.
  }
  const code = body.code ?? (status === 401 ? "unauthorized" : "internal");
  const message = body.message ?? `${m.value.console.errorCode[code]} (HTTP ${status})`;
  if (status === 401 && code === "unauthorized") onUnauthorized();
  return new ConsoleError(status, code, message, body.rows ?? []);
}

/** One request; JSON in and out. `undefined` for 204. */
export async function call<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers[CSRF_HEADER] = csrfToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(PREFIX + path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ConsoleError(0, "network", m.value.console.networkError);
  }
  const text = await response.text();
  if (!response.ok) throw refusal(response.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => call<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => call<T>("POST", path, body);
export const put = <T>(path: string, body?: unknown) => call<T>("PUT", path, body);

/**
 * Sends a file as the request body with XMLHttpRequest, so the page can show the upload's
 * progress (fetch cannot report it); `progress` gets 0…1.
 */
export function upload<T>(path: string, file: Blob, contentType: string, progress: (done: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", PREFIX + path);
    request.setRequestHeader(CSRF_HEADER, csrfToken);
    request.setRequestHeader("Content-Type", contentType);
    request.setRequestHeader("Accept", "application/json");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) progress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        progress(1);
        resolve((request.responseText ? JSON.parse(request.responseText) : undefined) as T);
      } else {
        reject(refusal(request.status, request.responseText));
      }
    };
    request.onerror = () => reject(new ConsoleError(0, "network", m.value.console.networkError));
    request.send(file);
  });
}

/** The message to show for anything thrown by the calls above. */
export function messageOf(error: unknown): string {
  if (error instanceof ConsoleError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
