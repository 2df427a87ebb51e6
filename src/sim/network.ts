/**
 * The simulated network: cables (one per node), directed links, and a lossy,
 * duplicating, reordering wire. It is the one place that knows what is in
 * flight. Every random choice comes from the cluster's seeded PRNG.
 */
import { deepFreeze, type Message, type NodeId } from '../raft';
import type { Scheduled } from './heap';
import { randomInt, type SeededRandom } from './prng';
import type { ClusterEvent, ClusterStats, DropReason, InFlightMessage, NetworkOptions } from './types';

/** A message on the wire; also the event-queue item of its delivery. */
export class Delivery implements InFlightMessage, Scheduled {
  readonly kind = 'deliver' as const;
  readonly type: Message['type'];
  readonly from: NodeId;
  readonly to: NodeId;
  seq = 0;
  /** Delivered, dropped, or lost with a crashed receiver. */
  cancelled = false;
  /**
   * What the outside sees: exactly the InFlightMessage fields, immutable, one
   * object per message (events and inFlight() share it, so identity works).
   */
  readonly public: InFlightMessage;

  constructor(
    readonly id: number,
    readonly payload: Message,
    readonly sentAt: number,
    readonly deliverAt: number,
    readonly duplicate: boolean,
  ) {
    this.type = payload.type;
    this.from = payload.from;
    this.to = payload.to;
    this.public = Object.freeze({
      id,
      from: payload.from,
      to: payload.to,
      type: payload.type,
      sentAt,
      deliverAt,
      payload,
      duplicate,
    });
  }

  get at(): number {
    return this.deliverAt;
  }
}

/** A message on the wire, as plain data. */
export interface WireSave {
  readonly id: number;
  /** Its place among queue items due at the same time. */
  readonly seq: number;
  readonly payload: Message;
  readonly sentAt: number;
  readonly deliverAt: number;
  readonly duplicate: boolean;
}

/** What the network holds, as plain data. */
export interface NetworkSave {
  readonly options: Required<NetworkOptions>;
  /** linkDown[from * (n + 1) + to] = 1 when the directed link is cut. */
  readonly linkDown: readonly number[];
  /** unplugged[id] = 1 when the node's cable is out. */
  readonly unplugged: readonly number[];
  readonly nextId: number;
  readonly messages: number;
  readonly bytes: number;
  readonly byType: Readonly<Record<string, number>>;
  /** The loss/delay/duplication PRNG's state. */
  readonly random: number;
  /** Every message on the wire, in id order. */
  readonly wire: readonly WireSave[];
}

export interface NetworkHost {
  emit(e: ClusterEvent): void;
  schedule(d: Delivery): void;
  now(): number;
}

export class Network {
  options: Required<NetworkOptions>;
  private n: number;
  /** linkDown[from * (n + 1) + to] = 1 when the directed link is cut. */
  private linkDown: Uint8Array;
  private unplugged: Uint8Array;
  private nextId = 1;
  private messages = 0;
  private bytes = 0;
  private readonly byType: Record<string, number> = {};
  /** Every message on the wire, by id (insertion order is id order). */
  private readonly wire = new Map<number, Delivery>();

  constructor(
    n: number,
    options: Required<NetworkOptions>,
    private readonly random: SeededRandom,
    private readonly host: NetworkHost,
  ) {
    this.n = n;
    this.options = options;
    this.linkDown = new Uint8Array((n + 1) * (n + 1));
    this.unplugged = new Uint8Array(n + 1);
  }

  /** Makes room for node ids up to `n` (addNode): a new node's cable is plugged in and its links are up. */
  grow(n: number): void {
    if (n <= this.n) return;
    const linkDown = new Uint8Array((n + 1) * (n + 1));
    for (let from = 0; from <= this.n; from++) {
      for (let to = 0; to <= this.n; to++) linkDown[from * (n + 1) + to] = this.linkDown[from * (this.n + 1) + to]!;
    }
    const unplugged = new Uint8Array(n + 1);
    unplugged.set(this.unplugged);
    this.n = n;
    this.linkDown = linkDown;
    this.unplugged = unplugged;
  }

  /** Both ends plugged in and the directed link up. */
  passes(from: NodeId, to: NodeId): boolean {
    return this.unplugged[from] === 0 && this.unplugged[to] === 0 && this.linkDown[from * (this.n + 1) + to] === 0;
  }

  linkUp(from: NodeId, to: NodeId): boolean {
    return this.linkDown[from * (this.n + 1) + to] === 0;
  }

  plugged(id: NodeId): boolean {
    return this.unplugged[id] === 0;
  }

  setLink(from: NodeId, to: NodeId, up: boolean): void {
    this.linkDown[from * (this.n + 1) + to] = up ? 0 : 1;
  }

  setPlugged(id: NodeId, plugged: boolean): void {
    this.unplugged[id] = plugged ? 0 : 1;
  }

  /** What is on the wire now, oldest first. */
  inFlight(): InFlightMessage[] {
    const out: InFlightMessage[] = [];
    for (const d of this.wire.values()) out.push(d.public);
    return out;
  }

  /**
   * The one decision of a message's fate when it is due: delivered (null) or
   * dropped, and why. A message passes only if both cables are plugged in
   * and its directed link is up — checked when sent and again now — and its
   * receiver is alive.
   */
  fate(d: Delivery, receiverAlive: boolean): DropReason | null {
    if (!this.passes(d.from, d.to)) return 'link down';
    return receiverAlive ? null : 'receiver crashed';
  }

  /** The message reached its receiver: it is no longer on the wire. */
  delivered(d: Delivery): void {
    d.cancelled = true;
    this.wire.delete(d.id);
  }

  /** Takes a message off the wire for `reason` and reports it. */
  drop(d: Delivery, reason: DropReason): void {
    d.cancelled = true;
    this.wire.delete(d.id);
    this.host.emit({ kind: 'drop', at: this.host.now(), message: d.public, reason });
  }

  /** Drops every message on its way to `node` (it crashed: they are lost with it). */
  dropTo(node: NodeId, reason: DropReason): void {
    for (const d of [...this.wire.values()]) if (d.to === node) this.drop(d, reason);
  }

  /** Whether the message `id` is on the wire. */
  onWire(id: number): boolean {
    return this.wire.has(id);
  }

  /** Drops the message `id` if it is on the wire; false if it is not. */
  dropById(id: number, reason: DropReason): boolean {
    const d = this.wire.get(id);
    if (!d) return false;
    this.drop(d, reason);
    return true;
  }

  /** A node hands a message to the wire. */
  send(m: Message): void {
    // What is on the wire is read-only: inFlight() and events hand it out,
    // and the inline receiver gets this very object.
    deepFreeze(m);
    const now = this.host.now();
    this.messages += 1;
    this.bytes += JSON.stringify(m).length;
    this.byType[m.type] = (this.byType[m.type] ?? 0) + 1;
    const o = this.options;
    // Its fate at send time: a cut link or loss drops it at once (the
    // random draws keep this order: loss, delay, duplication, its delay).
    const cut = !this.passes(m.from, m.to);
    if (cut || (o.dropRate > 0 && this.random() < o.dropRate)) {
      const d = new Delivery(this.nextId++, m, now, now, false);
      this.host.emit({ kind: 'send', at: now, message: d.public });
      this.drop(d, cut ? 'link down' : 'lost');
      return;
    }
    const d = new Delivery(this.nextId++, m, now, now + this.delay(), false);
    this.host.emit({ kind: 'send', at: now, message: d.public });
    this.put(d);
    if (o.duplicateRate > 0 && this.random() < o.duplicateRate) {
      const copy = new Delivery(this.nextId++, m, now, now + this.delay(), true);
      this.host.emit({ kind: 'duplicate', at: now, message: copy.public });
      this.put(copy);
    }
  }

  /** Everything the network holds, as plain data (a checkpoint). */
  save(): NetworkSave {
    return {
      options: this.options,
      linkDown: Array.from(this.linkDown),
      unplugged: Array.from(this.unplugged),
      nextId: this.nextId,
      messages: this.messages,
      bytes: this.bytes,
      byType: { ...this.byType },
      random: this.random.state(),
      wire: [...this.wire.values()].map((d) => ({
        id: d.id,
        seq: d.seq,
        payload: d.payload,
        sentAt: d.sentAt,
        deliverAt: d.deliverAt,
        duplicate: d.duplicate,
      })),
    };
  }

  /** Puts a saved network back; returns the deliveries on the wire, for the event queue. */
  load(saved: NetworkSave): Delivery[] {
    this.grow(saved.unplugged.length - 1);
    this.options = saved.options;
    this.linkDown.set(saved.linkDown);
    this.unplugged.set(saved.unplugged);
    this.nextId = saved.nextId;
    this.messages = saved.messages;
    this.bytes = saved.bytes;
    for (const [type, n] of Object.entries(saved.byType)) this.byType[type] = n;
    this.random.setState(saved.random);
    this.wire.clear();
    const out: Delivery[] = [];
    for (const w of saved.wire) {
      const d = new Delivery(w.id, deepFreeze(w.payload), w.sentAt, w.deliverAt, w.duplicate);
      d.seq = w.seq;
      this.wire.set(d.id, d);
      out.push(d);
    }
    return out;
  }

  stats(): ClusterStats {
    return { messages: this.messages, bytes: this.bytes, byType: { ...this.byType } };
  }

  private put(d: Delivery): void {
    this.wire.set(d.id, d);
    this.host.schedule(d);
  }

  private delay(): number {
    const o = this.options;
    if (o.longDelayRate > 0 && this.random() < o.longDelayRate) {
      return randomInt(this.random, o.longDelayMs[0], o.longDelayMs[1]);
    }
    const [min, max] = o.delayMs;
    return min === max ? min : randomInt(this.random, min, max);
  }
}
