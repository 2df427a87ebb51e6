/**
 * The network actions slice: links, the partition presets, healing, the
 * network settings, and dropping a message in flight.
 */
import type { NodeId } from '../raft';
import { clusterCalls } from './calls';
import type { LabGet } from './labTypes';
import { isolateGroups, minorityMajorityGroups } from './partitions';
import { liveLeader } from './snapshot';
import type { NetworkDraft } from './types';
import { checkNetworkDraft } from './validate';

export interface NetworkSlice {
  /** Cuts both directions of the link a–b if either is up, restores both otherwise. */
  toggleLink(a: NodeId, b: NodeId): void;
  setLink(from: NodeId, to: NodeId, up: boolean): void;
  isolateLeader(): void;
  splitMinorityMajority(): void;
  /** Every link up and every cable plugged in. */
  healAll(): void;
  /** Drops one in-flight message (a click on its glyph). */
  dropMessage(id: number): void;
  /** Applies the whole draft, or nothing (with a notice saying why); true if applied. */
  applyNetwork(draft: NetworkDraft): boolean;
}

export function createNetworkSlice(get: LabGet): NetworkSlice {
  const { runNow, notify } = clusterCalls(get);
  const leaderId = (): NodeId | undefined => liveLeader(get().nodes)?.id;
  return {
    toggleLink(a, b) {
      const links = get().links;
      const anyUp = (links[a]?.[b] ?? true) || (links[b]?.[a] ?? true);
      runNow('network', (c) => {
        c.setLink(a, b, !anyUp);
        c.setLink(b, a, !anyUp);
      });
    },

    setLink(from, to, up) {
      runNow('network', (c) => c.setLink(from, to, up));
    },

    isolateLeader() {
      const groups = isolateGroups(get().ids, leaderId());
      if (!groups.ok) return notify('network', 'error', groups.error);
      const [[leader], others] = groups.value as [[NodeId], NodeId[]];
      if (runNow('network', (c) => c.partition(groups.value))) {
        notify('network', 'info', `Leader node ${leader} is cut off from nodes ${others.join(', ')}. Watch the others elect a new leader.`);
      }
    },

    splitMinorityMajority() {
      const groups = minorityMajorityGroups(get().ids, leaderId());
      if (!groups.ok) return notify('network', 'error', groups.error);
      const [minority, majority] = groups.value as [NodeId[], NodeId[]];
      if (runNow('network', (c) => c.partition(groups.value))) {
        notify(
          'network',
          'info',
          `Split: minority {${minority.join(', ')}} | majority {${majority.join(', ')}}. Only the majority can elect a leader and commit.`,
        );
      }
    },

    healAll() {
      const ok = runNow('network', (c) => {
        c.heal();
        for (const id of c.ids) if (!c.connected(id)) c.connect(id);
      });
      if (ok) notify('network', 'success', 'Healed: every link is up and every cable plugged in.');
    },

    dropMessage(id) {
      let dropped = false;
      runNow('app', (c) => {
        dropped = c.dropMessage(id);
      });
      if (!dropped) notify('app', 'info', 'That message had already arrived.');
    },

    applyNetwork(draft) {
      const checked = checkNetworkDraft(draft);
      if (!checked.ok) {
        notify('network', 'error', checked.error);
        return false;
      }
      const d = checked.value;
      const applied = runNow('network', (c) =>
        c.setNetwork({ delayMs: [d.delayMinMs, d.delayMaxMs], dropRate: d.dropRate, duplicateRate: d.duplicateRate }),
      );
      if (applied) get().clearNotice('network');
      return applied;
    },
  };
}
