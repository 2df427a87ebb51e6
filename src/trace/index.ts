/** Traces from other Rafts (and Raft Lab's own): format, adapters, import, the read-only cluster, the checker. */
export * from './format';
export * from './reader';
export * from './adapter';
export * from './names';
export * from './import';
export * from './cluster';
export * from './check';
export * from './export';
export { EtcdConverter, etcdToTrace } from './adapters/etcd';
export { StudentConverter, studentToTrace, parsePairs } from './adapters/student';
export { RaftLabConverter, raftLabToTrace } from './adapters/raftlab';
