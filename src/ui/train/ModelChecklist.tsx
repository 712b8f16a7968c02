/** The models to train, as groups of checkboxes (the RIM track's Train panel and the click-and-conversion one). */
export function ModelChecklist<M extends string>({
  legend,
  testId,
  groups,
  chosen,
  onToggle,
}: {
  legend: string;
  /** The fieldset's test id; each box is `${testId minus its last part}.model.NAME`, e.g. train.models → train.model.RNN. */
  testId: string;
  groups: readonly (readonly [title: string, names: readonly M[]])[];
  chosen: readonly M[];
  onToggle: (m: M, on: boolean) => void;
}) {
  const boxPrefix = `${testId.slice(0, testId.lastIndexOf('.'))}.model.`;
  return (
    <fieldset className="models" data-testid={testId}>
      <legend>{legend}</legend>
      {groups.map(([title, names]) => (
        <div key={title} className="model-group">
          <h3>{title}</h3>
          {names.map((m) => (
            <label key={m} className="model">
              <input
                type="checkbox"
                checked={chosen.includes(m)}
                data-testid={`${boxPrefix}${m}`}
                onChange={(e) => onToggle(m, e.currentTarget.checked)}
              />{' '}
              {m}
            </label>
          ))}
        </div>
      ))}
    </fieldset>
  );
}
