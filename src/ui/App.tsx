/**
 * The whole lab: header, cluster drawing with the inspector, logs, and a
 * sidebar with the client, cluster and network controls and the activity
 * panel. Pass a `lab` (tests, main.tsx) or let App make one.
 */
import { useEffect, useState } from 'react';
import { createLab, selectConfig, selectEmbed, selectPresenter, selectShareHash, selectTheme, type Lab } from '../store';
import { ActivityPanel } from './ActivityPanel';
import { BreakRaft } from './BreakRaft';
import { browserDefaults, hashOf } from './browserDefaults';
import { ClusterSettings } from './ClusterSettings';
import { ClusterView } from './ClusterView';
import { CommandBox } from './CommandBox';
import { Inspector } from './Inspector';
import { LabProvider, useLab, useLabApi } from './LabContext';
import { LessonPanel } from './LessonPanel';
import { LessonsMenu } from './LessonsMenu';
import { TourPanel } from './TourPanel';
import { LogsPanel } from './LogsPanel';
import { NetworkPanel } from './NetworkPanel';
import { handleShortcut, trackFocusOrigin } from './shortcuts';
import { SafetyPanel } from './SafetyPanel';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import { SpaceTimeDiagram } from './SpaceTimeDiagram';
import { TopBar } from './TopBar';
import './styles.css';

function focusCommand(): void {
  document.querySelector<HTMLInputElement>('[data-command-input]')?.focus();
}

function Shell() {
  const lab = useLabApi();
  const theme = useLab(selectTheme);
  const presenter = useLab(selectPresenter);
  const config = useLab(selectConfig);
  const embed = useLab(selectEmbed);
  const shareHash = useLab(selectShareHash);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleShortcut(e, lab, focusCommand)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    const untrack = trackFocusOrigin(window);
    return () => {
      window.removeEventListener('keydown', onKey);
      untrack();
    };
  }, [lab]);

  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const query = window.matchMedia('(prefers-reduced-motion: reduce)');
    const onChange = () => lab.store.getState().setReducedMotion(query.matches);
    query.addEventListener?.('change', onChange);
    return () => query.removeEventListener?.('change', onChange);
  }, [lab]);

  useEffect(() => {
    // The seed lives in the URL, so a shared link replays the same run; a shared run on show keeps its own hash (Share).
    const hash = shareHash ?? hashOf(config);
    if (typeof history !== 'undefined' && location.hash !== hash) history.replaceState(null, '', hash);
  }, [config, shareHash]);

  return (
    <div className={`lab theme-${theme}${presenter ? ' is-presenter' : ''}${embed ? ' is-embed' : ''}`}>
      <TopBar />
      <main className="layout">
        <div className="stage">
          <ClusterView />
          <Inspector />
        </div>
        <LogsPanel />
        <SpaceTimeDiagram />
        <aside className="sidebar" aria-label="Controls">
          <LessonsMenu />
          <LessonPanel />
          <TourPanel />
          <CommandBox />
          <SafetyPanel />
          <ClusterSettings />
          <BreakRaft />
          <NetworkPanel />
          <ActivityPanel />
        </aside>
      </main>
      <ShortcutsOverlay />
    </div>
  );
}

export function App({ lab: given }: { lab?: Lab }) {
  const [own] = useState(() => given ?? createLab(browserDefaults()));
  const lab = given ?? own;
  useEffect(() => {
    lab.driver.start();
    return () => lab.driver.stop();
  }, [lab]);
  return (
    <LabProvider lab={lab}>
      <Shell />
    </LabProvider>
  );
}
