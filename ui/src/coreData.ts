// One screen's data from the core: the value, when it was fetched (for countdowns), and the error.
import { ref, shallowRef, triggerRef, type Ref, type ShallowRef } from "vue";
import { failure } from "./failure";
import { screenLoaded } from "./readiness";

export interface CoreData<T> {
  data: ShallowRef<T | null>;
  /** Date.now() when `data` arrived: countdowns subtract the time since then. */
  fetchedAt: Ref<number>;
  error: Ref<string | null>;
  loading: Ref<boolean>;
  load: () => Promise<void>;
  /** Takes a fresh value that an action returned, as if it had just been fetched. */
  accept: (value: T) => void;
}

export function useCoreData<T>(fetch: () => Promise<T>): CoreData<T> {
  const data = shallowRef<T | null>(null);
  const fetchedAt = ref(0);
  const error = ref<string | null>(null);
  const loading = ref(false);
  let first = true;

  function accept(value: T): void {
    data.value = value;
    triggerRef(data); // an action may hand back the very object already shown, changed
    fetchedAt.value = Date.now();
    error.value = null;
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      accept(await fetch());
      if (first) screenLoaded(true);
    } catch (e) {
      error.value = failure(e).message;
      if (first) screenLoaded(false);
    } finally {
      first = false;
      loading.value = false;
    }
  }

  return { data, fetchedAt, error, loading, load, accept };
}
