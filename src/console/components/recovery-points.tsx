/**
 * Recovery points as the console shows them: a table on the pair page, and the radio list the
 * Failover, Change Recovery Point and Test Failover dialogs choose from (newest first, the
 * preselected one named by the caller).
 */
import { CURRENT_TIME, type RecoveryPoint } from '../../sim/types.js';
import { formatAge, formatBytes, formatTime } from '../format.js';
import { Empty, TableWrap } from './ui.js';

interface ChoicesProps {
  /** Unique prefix for the radios' ids. */
  id: string;
  points: RecoveryPoint[];
  now: string | null;
  selectedId: string | null;
  /** Points shown as the ones in use, e.g. the failover server's current point. */
  currentId?: string | null;
  legend: string;
  /** Offer "Current time" first (Test Failover): the main server's data at this moment. */
  currentTime?: boolean;
}

export function RecoveryPointChoices(props: ChoicesProps) {
  const errorId = `${props.id}-error`;
  if (props.points.length === 0 && !props.currentTime) {
    return <Empty>There is no recovery point to choose from.</Empty>;
  }
  return (
    <fieldset class="rp-choices" aria-describedby={errorId}>
      <legend>{props.legend}</legend>
      <div class="rp-list">
        {props.currentTime ? (
          <label class="rp-option" for={`${props.id}-${CURRENT_TIME}`}>
            <input
              type="radio"
              id={`${props.id}-${CURRENT_TIME}`}
              name="recoveryPointId"
              value={CURRENT_TIME}
              checked={props.selectedId === CURRENT_TIME}
            />
            <span class="rp-time">Current time</span>
            <span class="rp-age">now</span>
            <span class="rp-meta">the main server's data at this moment</span>
            <span class="rp-id">{CURRENT_TIME}</span>
          </label>
        ) : null}
        {props.points.map((point, index) => {
          const radioId = `${props.id}-${point.id}`;
          return (
            <label class="rp-option" for={radioId}>
              <input
                type="radio"
                id={radioId}
                name="recoveryPointId"
                value={point.id}
                checked={point.id === props.selectedId}
              />
              <span class="rp-time">{formatTime(point.createdAt)}</span>
              <span class="rp-age">{formatAge(point.createdAt, props.now)}</span>
              <span class="rp-meta">
                {point.consistency}
                {index === 0 ? <span class="tag tag-latest">latest</span> : null}
                {point.id === props.currentId ? <span class="tag tag-current">current</span> : null}
                {point.tags
                  .filter((tag) => tag !== 'interval')
                  .map((tag) => (
                    <span class="tag">{tag}</span>
                  ))}
              </span>
              <span class="rp-id">{point.id}</span>
            </label>
          );
        })}
      </div>
      <p class="field-error" id={errorId} data-error-for="recoveryPointId" hidden />
    </fieldset>
  );
}

interface TableProps {
  points: RecoveryPoint[];
  now: string | null;
  activeId: string | null;
  testId: string | null;
}

export function RecoveryPointTable(props: TableProps) {
  if (props.points.length === 0) return <Empty>No recovery points.</Empty>;
  return (
    <TableWrap label="Recovery points" tall>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Age</th>
            <th scope="col">Consistency</th>
            <th scope="col">Tags</th>
            <th scope="col">Data version</th>
            <th scope="col">Size</th>
            <th scope="col">ID</th>
          </tr>
        </thead>
        <tbody>
          {props.points.map((point) => (
            <tr class={point.id === props.activeId ? 'row-active' : undefined}>
              <td>{formatTime(point.createdAt)}</td>
              <td>{formatAge(point.createdAt, props.now)}</td>
              <td>{point.consistency}</td>
              <td>
                {point.tags.map((tag) => (
                  <span class="tag">{tag}</span>
                ))}
                {point.id === props.activeId ? <span class="tag tag-current">failover server</span> : null}
                {point.id === props.testId ? <span class="tag tag-current">test server</span> : null}
                {point.status === 'READ_ONLY' ? <span class="tag">read-only</span> : null}
              </td>
              <td>{point.dataVersion}</td>
              <td>{formatBytes(point.sizeBytes)}</td>
              <td class="mono">{point.id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
