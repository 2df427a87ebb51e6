/**
 * "Your own lesson" played (issue 11): a teacher's captions on a shared run,
 * one step per caption — its moment shown exactly by the timeline, its text
 * here — in a `region` named "Lesson" with Back and Next (Next disabled only
 * on the last caption), like a built-in lesson.
 */
import { selectCaptions, selectLesson, selectTour } from '../store';
import { useLab, useLabApi } from './LabContext';

export function TourPanel() {
  const lab = useLabApi();
  const tour = useLab(selectTour);
  const captions = useLab(selectCaptions);
  const lesson = useLab(selectLesson);
  const caption = tour === null ? undefined : captions[tour];
  if (tour === null || !caption || lesson) return null;
  const s = () => lab.store.getState();
  return (
    <section className="lesson-panel" aria-label="Lesson">
      <div className="lesson-head">
        <h2 className="lesson-title">A captioned run</h2>
        <span className="lesson-counter">
          Step {tour + 1} of {captions.length}
        </span>
        <button type="button" className="btn btn-quiet lesson-close" onClick={() => s().closeTour()}>
          Close lesson
        </button>
      </div>
      <p className="lesson-caption" aria-live="polite">
        <strong>At {(caption.at / 1000).toFixed(3)} s.</strong> {caption.text}
      </p>
      <div className="lesson-actions">
        <button type="button" className="btn" onClick={() => void s().tourBack()} disabled={tour === 0}>
          Back
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void s().tourNext()} disabled={tour === captions.length - 1}>
          Next
        </button>
      </div>
    </section>
  );
}
