/**
 * The Lessons button and its list (issue 11, "Guided lessons"), at the top of
 * the sidebar (the top bar is full at 1280 px): a `button`
 * named "Lessons" opens a `list` named "Lessons" with one button per lesson,
 * named by its title. Picking one opens it (the store's openLesson); Esc or
 * a click elsewhere closes the list and gives the focus back to the button.
 */
import { useEffect, useRef, useState } from 'react';
import { LESSONS, selectEmbed } from '../store';
import { useLab, useLabApi } from './LabContext';
import './lessons.css';

export function LessonsMenu() {
  const lab = useLabApi();
  const embed = useLab(selectEmbed);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node | null;
      if (target && !panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', onDown);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', onDown);
    };
  }, [open]);

  if (embed) return null;
  return (
    <div className="lessons-menu">
      <button
        type="button"
        ref={button}
        className="btn btn-quiet lessons-button"
        aria-expanded={open}
        aria-controls="lessons-list"
        onClick={() => setOpen((o) => !o)}
        title="Guided lessons: scripted runs of the real engine, step by step"
      >
        Lessons
      </button>
      {open && (
        <div className="lessons-popover" ref={panel}>
          <ul id="lessons-list" className="lessons-list" aria-label="Lessons">
            {LESSONS.map((l, i) => (
              <li key={l.id}>
                <button
                  type="button"
                  className="lessons-item"
                  aria-describedby={`lesson-summary-${l.id}`}
                  onClick={() => {
                    setOpen(false);
                    void lab.store.getState().openLesson(l.id);
                  }}
                >
                  <span aria-hidden="true" className="lessons-number">
                    {i + 1}.
                  </span>
                  {l.title}
                </button>
                <span id={`lesson-summary-${l.id}`} className="lessons-summary">
                  {l.summary}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
