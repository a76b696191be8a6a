// One user action sent to the core: `busy` while it runs (buttons disable themselves), the core's
// message in `error` when it fails. The data a screen shows comes through `useCoreData` instead.
import { ref, type Ref } from "vue";
import { failure } from "./failure";

export interface CoreAction {
  busy: Ref<boolean>;
  error: Ref<string | null>;
  /** Runs `call` and tells whether it succeeded; a failure's message lands in `error`. */
  run: (call: () => Promise<unknown>) => Promise<boolean>;
}

export function useCoreAction(): CoreAction {
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function run(call: () => Promise<unknown>): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      await call();
      return true;
    } catch (e) {
      error.value = failure(e).message;
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, run };
}
