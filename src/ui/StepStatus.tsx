/**
 * What the last Step did, said in a status line under the ring (the top bar
 * has no room to spare): a step takes one event,
 * often a message delivery, which the Events list hides by default — without
 * this line Step would seem to do nothing (issue 9).
 */
import { selectNarrationFilter, selectPlaying, type LabState, type NarrationCategory } from '../store';
import { useLab } from './LabContext';
import { formatVirtualTime } from './VirtualClock';

const selectLastStep = (s: LabState) => s.lastStep;

const CATEGORY_NAME: Record<NarrationCategory, string> = {
  election: 'Elections',
  replication: 'Replication',
  fault: 'Faults',
  message: 'Messages',
  storage: 'Disk',
};

export function StepStatus() {
  const step = useLab(selectLastStep);
  const playing = useLab(selectPlaying);
  const filter = useLab(selectNarrationFilter);
  let text = '';
  if (step && !playing) {
    // The line worth reading first: one the Events list shows (a timeout, a vote), else the first.
    const first = step.lines.find((l) => filter.categories[l.category]) ?? step.lines[0];
    const at = formatVirtualTime(step.at);
    if (!first) {
      text = `Step: an event with nothing to narrate (a timer re-armed), now at ${at}.`;
    } else {
      const more = step.lines.length > 1 ? ` (+${step.lines.length - 1} more)` : '';
      const hidden = [...new Set(step.lines.filter((l) => !filter.categories[l.category]).map((l) => CATEGORY_NAME[l.category]))];
      const note =
        hidden.length > 0 ? ` — not all in the Events list: ${hidden.join(', ')} ${hidden.length === 1 ? 'is' : 'are'} filtered out` : '';
      text = `Step at ${at}: ${first.text.replace(/\.$/, '')}${more}${note}.`;
    }
  }
  return (
    <output className="step-status" aria-live="polite" aria-label="What Step did">
      {text}
    </output>
  );
}
