/**
 * Keyboard shortcuts: one table (the "?" overlay lists it) and one handler.
 * Keys that a focused control needs for itself (typing, Space on a button,
 * arrows on a slider) are left to that control.
 */
import { nodeById, type Lab } from '../store';

export const SHORTCUTS: readonly [keys: string, action: string][] = [
  ['Space', 'Play / pause'],
  ['→  .  PageDown', 'Step: process the next event (in the past: a step forward; a presentation clicker sends PageDown)'],
  ['←  PageUp', 'Go back a step in history (Play or Live returns to now)'],
  ['+  −', 'Faster / slower'],
  ['1 – 9', 'Select node N'],
  ['C', 'Crash the selected node'],
  ['R', 'Restart the selected node'],
  ['T', 'Time out the selected node (start an election)'],
  ['D', 'Disconnect / reconnect the selected node'],
  ['I', 'Isolate the leader'],
  ['S', 'Split into minority | majority'],
  ['H', 'Heal every link and cable'],
  ['A', 'Align election timers (an instant split vote)'],
  ['E', 'Spread election timers evenly (one times out first)'],
  ['/', 'Type a command (Enter sends it, Esc leaves the box)'],
  ['P', 'Presenter mode (large type)'],
  ['M', 'Dark / light theme'],
  ['Esc', 'Close this overlay, or the inspector'],
  ['?', 'Show these shortcuts'],
];

function isTextEntry(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
  return (el as HTMLElement).isContentEditable === true;
}

function isControl(el: Element | null): boolean {
  return !!el && !!el.closest('button, a[href], input, select, textarea, summary, [role="button"], [role="tab"], [role="checkbox"]');
}

/**
 * How the focus last moved: by a pointer (a click) or by the keyboard (Tab).
 * A keyboard user's Space presses the focused button; after a mouse click on
 * a button, Space is play/pause like everywhere else on the page.
 */
const focusOrigin = { byPointer: false };

/** Follows how the focus moves; returns the cleanup. Installed once by the app. */
export function trackFocusOrigin(target: Window): () => void {
  const onPointer = () => {
    focusOrigin.byPointer = true;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Tab') focusOrigin.byPointer = false;
  };
  target.addEventListener('pointerdown', onPointer, true);
  target.addEventListener('keydown', onKey, true);
  return () => {
    target.removeEventListener('pointerdown', onPointer, true);
    target.removeEventListener('keydown', onKey, true);
  };
}

/** Was the focused element reached from the keyboard (so Space should press it)? */
export function keyboardFocused(): boolean {
  return !focusOrigin.byPointer;
}

/** Handles one keydown on the page; returns true if it was a shortcut. */
export function handleShortcut(e: KeyboardEvent, lab: Lab, focusCommand: () => void): boolean {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return false;
  const target = e.target instanceof Element ? e.target : null;
  const s = lab.store.getState();
  if (s.helpOpen) {
    if (e.key === 'Escape' || e.key === '?') {
      s.setHelpOpen(false);
      return true;
    }
    return false;
  }
  if (e.key === 'Escape') {
    if (s.selectedNode !== null) {
      s.selectNode(null);
      return true;
    }
    return false;
  }
  if (isTextEntry(target)) return false;
  if (e.key === ' ') {
    if (isControl(target) && keyboardFocused()) return false; // Space presses the focused control
    s.togglePlaying();
    return true;
  }
  // A presentation clicker sends PageDown / PageUp; "." is a one-hand Step on a laptop.
  if (e.key === 'PageDown' || e.key === '.') {
    if (target?.closest('.logs-scroll, .narration-list, [role="log"]')) return false; // those scroll by page
    void lab.driver.step();
    return true;
  }
  if (e.key === 'PageUp') {
    if (target?.closest('.logs-scroll, .narration-list, [role="log"]')) return false;
    void lab.driver.back();
    return true;
  }
  if (e.key === 'ArrowRight') {
    if (target?.closest('[role="tab"], [role="tablist"]')) return false;
    void lab.driver.step();
    return true;
  }
  if (e.key === 'ArrowLeft') {
    if (target?.closest('[role="tab"], [role="tablist"]')) return false;
    void lab.driver.back();
    return true;
  }
  const selected = s.selectedNode;
  const node = selected === null ? undefined : nodeById(s.nodes, selected);
  switch (e.key) {
    case '?':
      s.setHelpOpen(true);
      return true;
    case '+':
    case '=':
      s.nudgeSpeed(1);
      return true;
    case '-':
    case '_':
      s.nudgeSpeed(-1);
      return true;
    case '/':
      focusCommand();
      return true;
    case 'p':
    case 'P':
      s.setPresenter(!s.presenter);
      return true;
    case 'm':
    case 'M':
      s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
      return true;
    case 'i':
    case 'I':
      s.isolateLeader();
      return true;
    case 's':
    case 'S':
      s.splitMinorityMajority();
      return true;
    case 'h':
    case 'H':
      s.healAll();
      return true;
    case 'a':
    case 'A':
      void s.alignTimers();
      return true;
    case 'e':
    case 'E':
      void s.spreadTimers();
      return true;
  }
  if (/^[1-9]$/.test(e.key)) {
    const id = Number(e.key);
    if (!s.ids.includes(id)) return false;
    s.selectNode(id);
    return true;
  }
  if (!node || selected === null) return false;
  switch (e.key.toLowerCase()) {
    case 'c':
      if (node.alive) void s.crash(selected);
      return true;
    case 'r':
      void s.restart(selected);
      return true;
    case 't':
      void s.timeoutNode(selected);
      return true;
    case 'd':
      if (node.connected) s.disconnect(selected);
      else s.reconnect(selected);
      return true;
  }
  return false;
}
