// A deep copy of plain data held in Vue's reactive state (a policy to edit): structuredClone
// refuses Vue's proxies, and these values are JSON by construction (they came as JSON).
export function plainCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
