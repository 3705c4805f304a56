/**
 * Builds a value on first use and keeps it for the container's life. A failed async build is
 * forgotten, so the next invocation tries again instead of failing forever.
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    if (built) return built.value;
    const value = build();
    built = { value };
    if (value instanceof Promise) {
      value.catch(() => {
        if (built?.value === value) built = undefined;
      });
    }
    return value;
  };
}
