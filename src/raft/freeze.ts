/**
 * Deep freezing for values that leave their owner (log entries, snapshots,
 * messages, events, views). Invariant kept by every caller: an object is only
 * frozen once everything it holds is frozen, so a frozen object is deeply
 * frozen and can be skipped — freezing a view whose log entries were frozen
 * when they were created costs O(1) per entry, not a walk of each entry.
 * (Written with plain loops: it runs on every message and event.)
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    const record = value as Record<string, unknown>;
    for (const key in record) deepFreeze(record[key]);
  }
  return Object.freeze(value);
}
