/** One `<option>` per node id ("Node 3"), for the selects that pick a node. */
export function NodeOptions({ ids }: { ids: readonly number[] }) {
  return (
    <>
      {ids.map((n) => (
        <option key={n} value={n}>
          Node {n}
        </option>
      ))}
    </>
  );
}
