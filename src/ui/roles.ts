/** Role words and letters: roles are shown by colour and by letter, never by colour alone. */
import type { NodeSnapshot } from '../store';

export type RoleWord = 'leader' | 'candidate' | 'follower' | 'crashed';

export function roleWord(node: Pick<NodeSnapshot, 'alive' | 'role'>): RoleWord {
  return node.alive ? node.role : 'crashed';
}

export const ROLE_LETTER: Record<RoleWord, string> = { leader: 'L', candidate: 'C', follower: 'F', crashed: '✕' };

/** The node button's accessible name (a contract: "Node N, role, term T"; no selection state). */
export function nodeName(id: number, node: Pick<NodeSnapshot, 'alive' | 'role' | 'term'>): string {
  return `Node ${id}, ${roleWord(node)}, term ${node.term}`;
}
