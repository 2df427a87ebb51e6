/**
 * Drop a trace file anywhere on the page to import it (issue 14). While a
 * file is dragged over the page, a hint covers it; dropping imports the
 * file with the format chosen in the Traces panel.
 */
import { useEffect, useState } from 'react';
import { useLabApi } from './LabContext';

/** Does this drag carry files (not text or a link dragged from the page)? */
function carriesFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

export function TraceDrop() {
  const lab = useLabApi();
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    // dragenter/dragleave fire for every element crossed: count them to know when the drag left the page.
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth += 1;
      setDragging(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // allows the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // not opened by the browser
      depth = 0;
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (file) void lab.store.getState().importTrace({ kind: 'file', file, name: file.name });
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [lab]);
  if (!dragging) return null;
  return (
    <div className="trace-drop" role="status">
      <p className="trace-drop-hint">Drop the trace file to import it (etcd-io/raft, student lab log or Raft Lab NDJSON)</p>
    </div>
  );
}
