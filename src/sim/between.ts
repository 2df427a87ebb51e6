/**
 * Where a synchronous action takes effect: exactly between two events. While
 * the cluster is working (a run, a node's input, a boot — a worker may be
 * holding an item, or a subscriber is acting from inside an event), an
 * action is held and applied at the next point between events; otherwise at
 * once. So every recorded action sits where its `after` says, and replay
 * puts it back there. The inline transport is never working when a caller
 * outside the cluster acts, so there it always applies at once.
 */
export class BetweenEvents {
  /** > 0 while a call's body runs. */
  private working = 0;
  private readonly held: (() => void)[] = [];
  private applying = false;

  constructor(private readonly alive: () => boolean) {}

  /** A call's body begins. */
  enter(): void {
    this.working += 1;
  }

  /** It ends: the end of a call is a point between events. */
  leave(): void {
    this.working -= 1;
    this.quiesce();
  }

  /** Applies `apply` now if nothing is working, else at the next point between events. */
  run(apply: () => void): void {
    if (this.working > 0 && !this.applying) this.held.push(apply);
    else apply();
  }

  /** True while a call's body runs. */
  get busy(): boolean {
    return this.working > 0;
  }

  /** True while actions wait to be applied. */
  get waiting(): boolean {
    return this.held.length > 0;
  }

  /** A point between events: applies the held actions, in call order. */
  quiesce(): void {
    if (this.held.length === 0 || this.applying) return;
    this.applying = true;
    try {
      for (let apply = this.held.shift(); apply; apply = this.held.shift()) if (this.alive()) apply();
    } finally {
      this.applying = false;
    }
  }
}
