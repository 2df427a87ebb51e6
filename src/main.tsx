import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { exposeApi } from './expose';
import { createLab } from './store';
import { App } from './ui/App';
import { browserDefaults } from './ui/browserDefaults';

// Made outside React so StrictMode's double render cannot make two clusters.
const lab = createLab(browserDefaults());
// window.raftLab: the headless API, plus the running lab for browser tests and the console.
exposeApi({ lab });

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App lab={lab} />
    </StrictMode>,
  );
}
