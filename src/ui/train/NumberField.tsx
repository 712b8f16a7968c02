/** A number field bound to an optional config value; empty = the model's default. */
export function NumberField({
  label,
  value,
  placeholder,
  testId,
  onChange,
  max,
}: {
  label: string;
  value: number | undefined;
  placeholder: string;
  testId: string;
  onChange: (v: number | undefined) => void;
  max: number;
}) {
  return (
    <label>
      {label}{' '}
      <input
        type="number"
        min={1}
        max={max}
        step={1}
        placeholder={placeholder}
        value={value ?? ''}
        data-testid={testId}
        onChange={(e) => {
          const v = e.currentTarget.value;
          const n = Math.trunc(Number(v));
          onChange(v === '' || !(n >= 1) ? undefined : Math.min(max, n));
        }}
      />
    </label>
  );
}
