/**
 * The whole lab: header, cluster drawing with the inspector, logs, and a
 * sidebar with the client, cluster and network controls and the activity
 * panel. Pass a `lab` (tests, main.tsx) or let App make one.
 */
import { useEffect, useState } from 'react';
import { createLab, selectConfig, selectEmbed, selectImported, selectPresenter, selectShareHash, selectTheme, type Lab } from '../store';
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
import { TraceBanner } from './TraceBanner';
import { TraceDrop } from './TraceDrop';
import { TracePanel } from './TracePanel';
import './styles.css';

/** Labs that have read the page's `?trace=<url>` (once each, even under StrictMode's double effects). */
const tracedFromUrl = new WeakSet<Lab>();

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
  // An imported trace on show (issue 14): read-only, so the panels that act on the engine make way for the trace's.
  const imported = useLab(selectImported);

  useEffect(() => {
    // `?trace=<url>`: a trace file of this site, imported at start-up (another origin is refused with a notice).
    if (tracedFromUrl.has(lab) || typeof location === 'undefined') return;
    tracedFromUrl.add(lab);
    const url = new URLSearchParams(location.search).get('trace');
    if (url) void lab.store.getState().importTraceUrl(url);
  }, [lab]);

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
      <TraceBanner />
      <main className="layout">
        <div className="stage">
          <ClusterView />
          <Inspector />
        </div>
        <LogsPanel />
        <SpaceTimeDiagram />
        <aside className="sidebar" aria-label="Controls">
          {!imported && <LessonsMenu />}
          {!imported && <LessonPanel />}
          {!imported && <TourPanel />}
          {!imported && <CommandBox />}
          <SafetyPanel />
          <TracePanel />
          {!imported && <ClusterSettings />}
          {!imported && <BreakRaft />}
          {!imported && <NetworkPanel />}
          <ActivityPanel />
        </aside>
      </main>
      <ShortcutsOverlay />
      {!embed && <TraceDrop />}
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
