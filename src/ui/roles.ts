/** Role words and letters: roles are shown by colour and by letter, never by colour alone. */
import type { Membership, NodeSnapshot } from '../store';

export type RoleWord = 'leader' | 'candidate' | 'follower' | 'crashed';

export function roleWord(node: Pick<NodeSnapshot, 'alive' | 'role'>): RoleWord {
  return node.alive ? node.role : 'crashed';
}

export const ROLE_LETTER: Record<RoleWord, string> = { leader: 'L', candidate: 'C', follower: 'F', crashed: '✕' };

/**
 * The node button's accessible name (a contract: "Node N, role, term T"; no
 * selection state), then what issue 13 adds: a learner, a node leaving the
 * configuration, a follower asking for pre-votes, a leader handing over.
 */
export function nodeName(
  id: number,
  node: Pick<NodeSnapshot, 'alive' | 'role' | 'term'> & Partial<Pick<NodeSnapshot, 'preCandidate' | 'transferee'>>,
  membership: Membership = 'voter',
): string {
  const extra = [
    membership === 'learner' ? 'learner (not voting yet)' : membership === 'leaving' ? 'leaving the cluster' : null,
    node.alive && node.preCandidate ? 'asking for pre-votes' : null,
    node.alive && node.role === 'leader' && node.transferee ? `handing leadership to node ${node.transferee}` : null,
  ].filter((x) => x !== null);
  return [`Node ${id}, ${roleWord(node)}, term ${node.term}`, ...extra].join(', ');
}
