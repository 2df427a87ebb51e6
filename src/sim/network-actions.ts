/**
 * The user's network actions — cables, directed links, partitions, heal,
 * settings, dropping a message: checked whole at once (a bad argument
 * throws, naming it, and changes nothing), then applied, recorded and
 * reported between two events (between.ts), so each sits exactly where its
 * recorded position says.
 */
import { deepFreeze, type NodeId } from '../raft';
import type { Network } from './network';
import type { ActionBody, ClusterEvent, NetworkOptions } from './types';
import { checkInteger, describe, mergeNetwork, readNetworkOptions } from './validate';

export interface NetworkActionsHost {
  /** Checks that `id` is a node id, naming the argument. */
  checkId(name: string, id: unknown): NodeId;
  /** Applies now, or at the next point between events. */
  between(apply: () => void): void;
  /** Records the action at the present position. */
  record(body: ActionBody): void;
  emit(e: ClusterEvent): void;
  /** Virtual ms. */
  now(): number;
}

export class NetworkActions {
  constructor(
    /** Every node id the cluster has had (links of removed nodes are kept consistent too). */
    private readonly allIds: () => readonly NodeId[],
    private readonly net: Network,
    private readonly host: NetworkActionsHost,
  ) {}

  private report(action: string, settings?: NetworkOptions): void {
    this.host.emit(
      settings ? { kind: 'network', at: this.host.now(), action, settings } : { kind: 'network', at: this.host.now(), action },
    );
  }

  disconnect(id: NodeId): void {
    this.host.between(() => {
      this.net.setPlugged(id, false);
      this.host.record({ kind: 'disconnect', id });
      this.report(`unplugged node ${id}`);
    });
  }

  connect(id: NodeId): void {
    this.host.between(() => {
      this.net.setPlugged(id, true);
      this.host.record({ kind: 'connect', id });
      this.report(`plugged node ${id} back in`);
    });
  }

  setLink(from: NodeId, to: NodeId, up: boolean): void {
    if (typeof up !== 'boolean') throw new Error(`up must be a boolean, got ${describe(up)}`);
    this.host.between(() => {
      this.net.setLink(from, to, up);
      this.host.record({ kind: 'setLink', from, to, up });
      this.report(`link ${from}→${to} ${up ? 'up' : 'down'}`);
    });
  }

  partition(groups: NodeId[][]): void {
    if (!Array.isArray(groups)) throw new Error(`groups must be an array of arrays of node ids, got ${describe(groups)}`);
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, g) => {
      if (!Array.isArray(group)) throw new Error(`groups[${g}] must be an array of node ids, got ${describe(group)}`);
      for (const id of group) {
        this.host.checkId(`groups[${g}]`, id);
        if (groupOf.has(id)) throw new Error(`groups: node ${id} appears in more than one group`);
        groupOf.set(id, g);
      }
    });
    const copy = groups.map((g) => g.slice());
    this.host.between(() => {
      this.host.record({ kind: 'partition', groups: copy });
      for (const a of this.allIds()) {
        for (const b of this.allIds()) {
          if (a === b) continue;
          const ga = groupOf.get(a);
          this.net.setLink(a, b, ga !== undefined && ga === groupOf.get(b));
        }
      }
      this.report(`partition ${copy.map((g) => `{${g.join(',')}}`).join(' | ')}`);
    });
  }

  heal(): void {
    this.host.between(() => {
      for (const a of this.allIds()) for (const b of this.allIds()) if (a !== b) this.net.setLink(a, b, true);
      this.host.record({ kind: 'heal' });
      this.report('healed every link');
    });
  }

  setNetwork(opts: NetworkOptions): void {
    // Read every field once into a plain copy (a getter that throws or
    // changes between reads cannot make what is applied differ from what is
    // recorded), validate it whole, then apply and record that same copy.
    const copy = readNetworkOptions(opts, 'opts');
    mergeNetwork(this.net.options, copy, 'opts'); // checked whole now; applied between events
    this.host.between(() => {
      let merged: Required<NetworkOptions>;
      try {
        // An earlier held setNetwork may have changed what this one merges with.
        merged = mergeNetwork(this.net.options, copy, 'opts');
      } catch (err) {
        this.host.emit({ kind: 'error', at: this.host.now(), node: null, message: `setNetwork not applied: ${(err as Error).message}` });
        return;
      }
      this.net.options = deepFreeze(merged);
      this.host.record({ kind: 'setNetwork', opts: copy });
      this.report(`network settings ${JSON.stringify(copy)}`, copy);
    });
  }

  /** True if the message was on the wire when called (it is dropped between events, unless delivered first). */
  dropMessage(id: number): boolean {
    checkInteger('id', id, 0);
    if (!this.net.onWire(id)) return false;
    this.host.between(() => {
      if (!this.net.onWire(id)) return; // delivered before the next point between events
      this.host.record({ kind: 'dropMessage', id });
      this.net.dropById(id, 'by user');
    });
    return true;
  }
}
