/** The most popular items; ids and titles come from user files and are rendered as text only. */
import type { DataSummary } from '../../bridge/data';

const fmt = new Intl.NumberFormat('en-US');

export function TopItems({ summary }: { summary: DataSummary }) {
  return (
    <details className="top-items" data-testid="data.topitems">
      <summary>
        Most popular items
        {summary.itemsWithMeta > 0
          ? ` (titles for ${fmt.format(summary.itemsWithMeta)} items)`
          : ' (add an item-titles file to see names)'}
      </summary>
      <ol>
        {summary.topItems.map((it) => (
          <li key={it.id}>
            <span className="name">{it.title || `item ${it.id}`}</span>
            {it.tags && <span className="tags"> · {it.tags}</span>}
            <span className="count"> · {fmt.format(it.events)} events</span>
          </li>
        ))}
      </ol>
    </details>
  );
}
