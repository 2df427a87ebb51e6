/** Play/Pause and Step (the next single event). */
import { selectPlaying } from '../store';
import { Icon } from './Icon';
import { useLab, useLabApi } from './LabContext';

export function PlaybackControls() {
  const lab = useLabApi();
  const playing = useLab(selectPlaying);
  return (
    <div className="playback" role="group" aria-label="Playback">
      <button
        type="button"
        className="btn btn-primary btn-play"
        onClick={() => lab.store.getState().togglePlaying()}
        aria-keyshortcuts="Space"
        title={playing ? 'Pause (Space)' : 'Play (Space)'}
      >
        <Icon name={playing ? 'pause' : 'play'} className="btn-icon" />
        {playing ? 'Pause' : 'Play'}
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => void lab.driver.step()}
        aria-keyshortcuts="ArrowRight"
        title="Process the next event only (→)"
      >
        <Icon name="step" className="btn-icon" />
        Step
      </button>
    </div>
  );
}
