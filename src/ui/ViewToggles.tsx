/** Theme, presenter mode and the shortcuts overlay. */
import { selectPresenter, selectTheme } from '../store';
import { Icon } from './Icon';
import { useLab, useLabApi } from './LabContext';

export function ViewToggles() {
  const lab = useLabApi();
  const theme = useLab(selectTheme);
  const presenter = useLab(selectPresenter);
  const s = () => lab.store.getState();
  return (
    <div className="view-toggles" role="group" aria-label="View">
      <button
        type="button"
        className="btn btn-quiet"
        aria-pressed={theme === 'dark'}
        onClick={() => s().setTheme(theme === 'dark' ? 'light' : 'dark')}
        title="Dark theme (D)"
      >
        <Icon name="contrast" className="btn-icon" />
        Dark
      </button>
      <button
        type="button"
        className="btn btn-quiet"
        aria-pressed={presenter}
        onClick={() => s().setPresenter(!presenter)}
        title="Presenter mode: large type (P)"
      >
        Presenter
      </button>
      <button
        type="button"
        className="btn btn-quiet"
        onClick={() => s().setHelpOpen(true)}
        data-help-button=""
        aria-keyshortcuts="?"
        title="Keyboard shortcuts (?)"
      >
        <span aria-hidden="true">?</span>
        <span className="visually-hidden">Keyboard shortcuts</span>
      </button>
    </div>
  );
}
