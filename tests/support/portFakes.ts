/**
 * A port stood in by plain functions: the methods given, and every other one throwing when called,
 * so a spec also shows which reads and writes a use case makes.
 */
export function only<T extends object>(name: string, methods: Partial<T>): T {
  return new Proxy(methods, {
    get: (target, key) =>
      key in target
        ? target[key as keyof T]
        : () => {
            throw new Error(`${name}.${String(key)} was not expected to be called`);
          },
  }) as T;
}
