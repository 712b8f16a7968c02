/** The seed of a synthetic world: an integer (a fraction is cut off, an empty field is 0). */
export function SeedInput({ value, label, onChange }: { value: number; label: string; onChange: (v: number) => void }) {
  return (
    <label>
      seed{' '}
      <input
        type="number"
        step={1}
        value={value}
        aria-label={label}
        onChange={(e) => onChange(Math.trunc(Number(e.currentTarget.value)) || 0)}
      />
    </label>
  );
}
