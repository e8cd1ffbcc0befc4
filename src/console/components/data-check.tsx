/**
 * Step 7 of the procedure, "check that the data was restored as expected": the failover
 * server's files and checksums beside the main server's data as the recovery point captured
 * it, file by file, with a verdict. Each file can be opened through the API to read it.
 */
import type { FileEntry } from '../../sim/types.js';
import type { Problem } from '../api.js';
import { formatBytes, plural, shortChecksum } from '../format.js';
import { Empty, TableWrap } from './ui.js';

export interface DataCheckProps {
  serverId: string;
  serverName: string;
  recoveryPointId: string;
  recoveryPointTime: string;
  server: { ok: true; value: FileEntry[] } | { ok: false; problem: Problem };
  point: { ok: true; value: FileEntry[] } | { ok: false; problem: Problem };
}

export function DataCheck(props: DataCheckProps) {
  if (!props.server.ok) {
    return (
      <p class="form-error">The failover server's files could not be read: {props.server.problem.detail}</p>
    );
  }
  const serverFiles = new Map(props.server.value.map((file) => [file.path, file]));
  const pointFiles = props.point.ok ? new Map(props.point.value.map((file) => [file.path, file])) : null;
  const paths = [...new Set([...serverFiles.keys(), ...(pointFiles?.keys() ?? [])])].sort();
  const mismatches = pointFiles
    ? paths.filter((path) => serverFiles.get(path)?.checksum !== pointFiles.get(path)?.checksum).length
    : null;
  return (
    <>
      <p
        class={
          mismatches === 0 ? 'verdict verdict-ok' : mismatches === null ? 'verdict' : 'verdict verdict-bad'
        }
      >
        {mismatches === null
          ? `The recovery point's data is no longer available: ${props.point.ok ? '' : props.point.problem.detail}`
          : mismatches === 0
            ? `${paths.length === 1 ? 'The file' : `All ${paths.length} files`} on ${props.serverName} ${paths.length === 1 ? 'matches' : 'match'} the main server's data at ${props.recoveryPointTime}.`
            : `${mismatches} of ${plural(paths.length, 'file', 'files')} ${mismatches === 1 ? 'differs' : 'differ'} from the main server's data at ${props.recoveryPointTime}.`}
      </p>
      {paths.length === 0 ? (
        <Empty>No files.</Empty>
      ) : (
        <TableWrap label="Failover server files compared with the recovery point">
          <table class="table table-compact">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Failover server ({props.serverName})</th>
                <th scope="col">Main server at {props.recoveryPointId}</th>
                <th scope="col">Match</th>
              </tr>
            </thead>
            <tbody>
              {paths.map((path) => {
                const onServer = serverFiles.get(path);
                const atPoint = pointFiles?.get(path);
                const same = pointFiles ? onServer?.checksum === atPoint?.checksum : null;
                return (
                  <tr>
                    <th scope="row" class="mono">
                      {onServer ? (
                        <button
                          type="button"
                          class="link-button"
                          data-view-file={`/v1/servers/${encodeURIComponent(props.serverId)}/files/${path
                            .split('/')
                            .map(encodeURIComponent)
                            .join('/')}`}
                          aria-haspopup="dialog"
                        >
                          {path}
                        </button>
                      ) : (
                        path
                      )}
                    </th>
                    <td class="mono">
                      <FileCell file={onServer} />
                    </td>
                    <td class="mono">{pointFiles ? <FileCell file={atPoint} /> : '—'}</td>
                    <td>
                      {same === null ? (
                        '—'
                      ) : same ? (
                        <span class="match match-ok">✓ same</span>
                      ) : (
                        <span class="match match-bad">✗ differs</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      <dialog id="dlg-file" class="dialog dialog-wide" aria-labelledby="dlg-file-title">
        <div class="dialog-form">
          <header class="dialog-header">
            <h2 id="dlg-file-title" data-file-title>
              File
            </h2>
            <button type="button" class="icon-button" data-close aria-label="Close">
              ×
            </button>
          </header>
          <div class="dialog-body">
            <p class="quiet mono" data-file-meta />
            <pre class="file-content" data-file-content />
          </div>
          <footer class="dialog-footer">
            <button type="button" class="primary" data-close autofocus>
              Done
            </button>
          </footer>
        </div>
      </dialog>
    </>
  );
}

function FileCell(props: { file: FileEntry | undefined }) {
  if (!props.file) return <span class="quiet">missing</span>;
  return (
    <span title={props.file.checksum}>
      {shortChecksum(props.file.checksum)} <span class="quiet">{formatBytes(props.file.sizeBytes)}</span>
    </span>
  );
}
