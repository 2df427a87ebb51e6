import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { exposeApi } from './expose';

exposeApi();

function Placeholder() {
  return (
    <main>
      <h1>Raft Lab</h1>
      <p>The interactive view is on its way. The Raft engine runs headless: see README.md.</p>
    </main>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><Placeholder /></StrictMode>);
