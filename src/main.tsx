import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { exposeApi } from './expose';
import { createLab, openDiskSession, workersAvailable, type LabOptions } from './store';
import { App } from './ui/App';
import { browserDefaults } from './ui/browserDefaults';
import { registerAppUpdates } from './ui/pwa';
import { UpdatePrompt } from './ui/UpdatePrompt';

/**
 * Every node runs in its own Web Worker with its disk in IndexedDB; this tab's
 * disks are resumed after a reload. Without workers or IndexedDB (some private
 * modes) the lab runs the same cluster inline, in memory.
 */
function labOptions(onLost: () => void): LabOptions {
  const options = browserDefaults();
  // `?transport=inline` runs the nodes on the page itself (for comparisons and debugging).
  const inline = new URLSearchParams(location.search).get('transport') === 'inline';
  if (inline || !workersAvailable()) return options;
  try {
    const session = openDiskSession(options, onLost);
    // Resuming: the saved size and seed. Fresh: the URL's own text, so the lab
    // explains a malformed value (it falls back to the same defaults as the session).
    const run = session.resumed ? { nodes: session.nodes, seed: session.seed } : {};
    return { ...options, ...run, transport: 'worker', storage: session };
  } catch (err) {
    console.warn('Raft Lab: no durable disks, running in memory:', err);
    return options;
  }
}

// Made outside React so StrictMode's double render cannot make two clusters.
const lab = createLab(
  labOptions(() => {
    // A duplicated tab: the saved disks belong to the other tab. Start fresh here.
    const state = lab.store.getState();
    void state
      .resetCluster(String(state.config.nodes), String(state.config.seed))
      .then(() =>
        state.notify('cluster', 'info', 'This tab is a copy of another that owns the saved cluster, so this one started fresh disks.'),
      );
  }),
);
// A shared link (#…&run=…): paused at once (and the embed layout taken), then replayed to its moment once decoded.
// Not awaited: the page renders first; a link that cannot be opened says why and this cluster plays on.
void lab.store.getState().openRunLink(location.hash);
// `?lesson=<id>` opens a guided lesson at start-up (issue 11), `&embed=1` in the embed layout; an unknown id says so and the lab plays on.
const search = new URLSearchParams(location.search);
const lessonId = search.get('lesson');
if (lessonId !== null) void lab.store.getState().openLesson(lessonId, { embed: search.get('embed') === '1' });
// window.raftLab: the headless API, plus the running lab for browser tests and the console.
exposeApi({ lab });
// Offline after the first visit (issue 14): the service worker, registered once the page has loaded, and its update prompt.
const updates = registerAppUpdates();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App lab={lab} />
      <UpdatePrompt updates={updates} />
    </StrictMode>,
  );
}
