/** One node's links, one direction at a time (the keyboard route to cutting links). */
import { selectIds, selectLinks } from '../store';
import { useLab, useLabApi } from './LabContext';

export function LinkToggles({ id }: { id: number }) {
  const lab = useLabApi();
  const ids = useLab(selectIds);
  const links = useLab(selectLinks);
  const peers = ids.filter((p) => p !== id);
  if (peers.length === 0) return null;
  const set = (from: number, to: number, up: boolean) => lab.store.getState().setLink(from, to, up);
  return (
    <details className="link-toggles">
      <summary>Links, one direction at a time</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">peer</th>
            <th scope="col">{id} → peer</th>
            <th scope="col">peer → {id}</th>
          </tr>
        </thead>
        <tbody>
          {peers.map((p) => {
            const out = links[id]?.[p] ?? true;
            const back = links[p]?.[id] ?? true;
            return (
              <tr key={p}>
                <th scope="row">{p}</th>
                <td>
                  <label>
                    <input type="checkbox" checked={out} onChange={(e) => set(id, p, e.currentTarget.checked)} />
                    <span className="visually-hidden">{`Link ${id} → ${p} up`}</span>
                    <span aria-hidden="true">{out ? 'up' : 'cut'}</span>
                  </label>
                </td>
                <td>
                  <label>
                    <input type="checkbox" checked={back} onChange={(e) => set(p, id, e.currentTarget.checked)} />
                    <span className="visually-hidden">{`Link ${p} → ${id} up`}</span>
                    <span aria-hidden="true">{back ? 'up' : 'cut'}</span>
                  </label>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
