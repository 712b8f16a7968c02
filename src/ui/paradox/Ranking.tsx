import type { ParadoxGroup } from '../../core/paradox';

interface Props {
  testId: string;
  title: string;
  /** Group indices, best first. */
  order: number[];
  groups: ParadoxGroup[];
  value: (g: number) => string;
  unit: string;
}

/** One ranking of the three kinds of users; `data-order` lists the names best first (for tests and screen readers). */
export function Ranking({ testId, title, order, groups, value, unit }: Props) {
  return (
    <div className="ranking" data-testid={testId} data-order={order.map((g) => groups[g].name).join('|')}>
      <h3>{title}</h3>
      <ol>
        {order.map((g) => (
          <li key={groups[g].name}>
            <span className="name">{groups[g].name}</span>
            <span className="score">
              {value(g)} <small>{unit}</small>
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
