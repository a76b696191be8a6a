// What an error thrown by a core call says: the core's own message, shown to the user verbatim.
import { isErrorBody } from "./api";

export interface Failure {
  message: string;
  field: string | null;
}

export function failure(error: unknown): Failure {
  if (isErrorBody(error)) return { message: error.message, field: error.field ?? null };
  if (typeof error === "string") return { message: error, field: null };
  if (error instanceof Error) return { message: error.message, field: null };
  return { message: String(error), field: null };
}
