/**
 * The lesson on show (issue 11): a `region` named "Lesson" with the step
 * counter, the caption, a question to answer before Next where the step asks
 * one (answered by the run at the next step), and Back, Next, Explore from
 * here and Close. Next is disabled only on the last step; clicks while a
 * step is being played wait their turn in the store.
 */
import { selectLesson } from '../store';
import { useLab, useLabApi } from './LabContext';

export function LessonPanel() {
  const lab = useLabApi();
  const lesson = useLab(selectLesson);
  if (!lesson) return null;
  const s = () => lab.store.getState();
  const last = lesson.step === lesson.steps - 1;
  const reveal = lesson.reveal;
  return (
    <section className="lesson-panel" aria-label="Lesson" aria-busy={lesson.busy}>
      <div className="lesson-head">
        <h2 className="lesson-title">{lesson.title}</h2>
        <span className="lesson-counter">
          Step {lesson.step + 1} of {lesson.steps}
        </span>
        <button type="button" className="btn btn-quiet lesson-close" onClick={() => s().closeLesson()}>
          Close lesson
        </button>
      </div>
      <p className="lesson-caption" aria-live="polite">
        <strong>{lesson.stepTitle}.</strong>{' '}
        {lesson.busy
          ? 'Playing this step…'
          : lesson.exploring
            ? 'Exploring freely: play, act, then Back returns to the lesson.'
            : lesson.caption}
      </p>
      {reveal && !lesson.exploring && (
        <p className="lesson-reveal">
          {reveal.actual === null ? 'No node leads yet.' : `Node ${reveal.actual} won.`}{' '}
          {reveal.chosen === null
            ? ''
            : reveal.chosen === reveal.actual
              ? `You predicted node ${reveal.chosen}: right.`
              : `You predicted node ${reveal.chosen}.`}
        </p>
      )}
      {lesson.question && !lesson.exploring && (
        <fieldset className="lesson-question">
          <legend>{lesson.question.text}</legend>
          {lesson.question.choices.map((id) => (
            <button
              key={id}
              type="button"
              className="btn btn-quiet"
              aria-pressed={lesson.question?.chosen === id}
              onClick={() => s().predictLesson(id)}
            >
              Node {id}
            </button>
          ))}
        </fieldset>
      )}
      <div className="lesson-actions">
        <button type="button" className="btn" onClick={() => void s().lessonBack()} disabled={lesson.step === 0 && !lesson.exploring}>
          Back
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void s().lessonNext()} disabled={last}>
          Next
        </button>
        <button type="button" className="btn btn-quiet" onClick={() => s().exploreFromHere()} disabled={lesson.exploring}>
          Explore from here
        </button>
        {lesson.faults.length > 0 && <span className="lesson-faults">Run with a bug switch on: {lesson.faults.join(', ')}</span>}
      </div>
    </section>
  );
}
