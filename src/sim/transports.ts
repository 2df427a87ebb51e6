/**
 * Transports other than 'inline' register themselves here, so src/sim never
 * imports the layers above it (src/worker registers 'worker' when imported).
 */
import type { ResolvedOptions, RuntimeFactory } from './cluster';

export interface Transport {
  /** Makes one node life's runtime. */
  makeRuntime: RuntimeFactory;
  /** Called by destroy() after every runtime is terminated. */
  dispose?: () => Promise<void>;
  /** The storage key the cluster should use (e.g. a fresh one). */
  storageKey?: string;
}

export type TransportFactory = (options: ResolvedOptions) => Transport;

const registry = new Map<string, TransportFactory>();

export function registerTransport(name: 'worker', factory: TransportFactory): void {
  registry.set(name, factory);
}

export function transportFactory(name: string): TransportFactory | undefined {
  return registry.get(name);
}
