/**
 * The replicated state machine: a small key–value map (§2, "replicated state
 * machines"). A command `key=value` (non-empty key) sets a key; any other
 * command is applied without changing the map. Deterministic and pure.
 */
export class KvStateMachine {
  private readonly map = new Map<string, string>();
  /** The last `view()`, dropped on any change. */
  private cached: Readonly<Record<string, string>> | null = null;

  /** Applies one committed command. */
  apply(command: string): void {
    const eq = command.indexOf('=');
    if (eq > 0) {
      this.map.set(command.slice(0, eq), command.slice(eq + 1));
      this.cached = null;
    }
  }

  /** A read-only copy of the state; the same object until the state changes. */
  view(): Readonly<Record<string, string>> {
    this.cached ??= Object.freeze(this.snapshot());
    return this.cached;
  }

  /** A structured-clonable copy of the whole state, for a snapshot (§7). */
  snapshot(): Record<string, string> {
    const data: Record<string, string> = {};
    // defineProperty, not assignment: a key such as `__proto__` must stay an
    // ordinary own key, or a node restored from the snapshot would differ.
    for (const [key, value] of this.map) {
      Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return data;
  }

  /** Replaces the whole state with a snapshot's (§7, restart or InstallSnapshot). */
  restore(data: Readonly<Record<string, string>>): void {
    this.cached = null;
    this.map.clear();
    for (const key of Object.keys(data)) this.map.set(key, Object.getOwnPropertyDescriptor(data, key)?.value as string);
  }

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  get size(): number {
    return this.map.size;
  }
}
