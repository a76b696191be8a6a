// Who is signed in (the server's SessionAnswer), kept only in memory: a reload asks `GET /me`.
import { ref } from "vue";
import type { Role, SessionAnswer, SignInRequest } from "../generated/office";
import { ConsoleError, get, post, setCsrf, whenUnauthorized } from "./api";
import { go, offered, route } from "./navigation";

export const session = ref<SessionAnswer | null>(null);
/** Whether the first `GET /me` has answered (until then the shell shows nothing). */
export const checked = ref(false);
/** Set when the server ended the session under us (expired, disabled, signed out elsewhere). */
export const endedByServer = ref(false);

function adopt(answer: SessionAnswer | null): void {
  session.value = answer;
  setCsrf(answer?.csrf_token ?? "");
}

whenUnauthorized(() => {
  if (session.value) endedByServer.value = true;
  adopt(null);
});

export async function loadSession(): Promise<void> {
  try {
    adopt(await get<SessionAnswer>("/me"));
  } catch (error) {
    if (!(error instanceof ConsoleError && error.status === 401)) throw error;
  } finally {
    checked.value = true;
  }
}

export async function signIn(request: SignInRequest): Promise<void> {
  const answer = await post<SessionAnswer>("/sign-in", request);
  // A page this role is not offered (left in the address by the last user, or reached with the
  // back button) gives way to its first page.
  if (!offered(answer.account.role, route.value)) go({ page: "home" });
  adopt(answer);
  endedByServer.value = false;
}

export async function signOut(): Promise<void> {
  try {
    await post<void>("/sign-out");
  } finally {
    adopt(null);
  }
}

export function hasRole(...roles: Role[]): boolean {
  return session.value !== null && roles.includes(session.value.account.role);
}
