/** The first rows a reader left out: physical line, reason, and the row's text (rendered as text only). */
import type { DatasetSlice } from '../../state/store';

type LoadProblem = DatasetSlice['dataset']['problems'][number];

export function ProblemsTable({ problems }: { problems: LoadProblem[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>line</th>
          <th>reason</th>
          <th>text</th>
        </tr>
      </thead>
      <tbody>
        {problems.slice(0, 20).map((p) => (
          <tr key={`${p.line}-${p.reason}`}>
            <td>{p.line}</td>
            <td>{p.reason}</td>
            <td>
              <code>{p.text}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
