/**
 * The main server's drives and the pair's settings on the pair page (decision 0011): the main's
 * volumes with Add, Grow and Remove; whether the shadow still matches them, with Restart
 * Replication as the way to rebuild it; and "Change settings" (interval, shadow flavor). Each
 * dialog sends its form to the `/v1` route that does it.
 */

import type { Region } from '../../sim/regions.js';
import type { DrPair, Server } from '../../sim/types.js';
import { enc } from '../api.js';
import { ACTION_DIALOGS, ACTION_LABELS } from './pair-actions.js';
import { ApiDialog, Field, OpenButton, TableWrap } from './ui.js';

const EDITABLE_ROLES = new Set(['STANDALONE', 'MAIN', 'PRIMARY']);
const SETTINGS_STATUSES = new Set(['REPLICATING', 'PAUSED', 'REPLICATION_ERROR']);

export const canChangeSettings = (pair: DrPair): boolean => SETTINGS_STATUSES.has(pair.status);

export function MainDrives(props: { pair: DrPair; main: Server | null }) {
  const { pair, main } = props;
  if (!main) return <p class="quiet">The main server cannot be read.</p>;
  const editable = EDITABLE_ROLES.has(main.role) && main.powerState !== 'DOWN';
  const base = `/v1/servers/${enc(main.id)}/volumes`;
  const matches = pair.replication.shadowMatchesMain;
  return (
    <>
      {matches === false ? (
        <div class="warning" role="note" id="shadow-drives-differ">
          <p>
            <strong>The shadow server's volumes no longer match the main server's.</strong> Replication goes
            on, but the shadow keeps its old volumes until Restart Replication rebuilds it.
          </p>
          {pair.allowedActions.includes('restartReplication') ? (
            <OpenButton dialog={ACTION_DIALOGS.restartReplication}>
              {ACTION_LABELS.restartReplication}
            </OpenButton>
          ) : null}
        </div>
      ) : null}
      <TableWrap label={`Volumes of ${main.name}`}>
        <table class="table table-compact">
          <thead>
            <tr>
              <th scope="col">Volume</th>
              <th scope="col">Type</th>
              <th scope="col">Size</th>
              <th scope="col">IOPS</th>
              {editable ? (
                <th scope="col">
                  <span class="visually-hidden">Change</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {main.volumes.map((volume, index) => (
              <tr>
                <th scope="row">{index === 0 ? '0 (boot)' : String(index)}</th>
                <td>{volume.type}</td>
                <td>{volume.sizeGb} GB</td>
                <td>{volume.iops}</td>
                {editable ? (
                  <td>
                    <OpenButton dialog={`dlg-grow-volume-${index}`} class="small">
                      Grow<span class="visually-hidden"> volume {index}</span>
                    </OpenButton>{' '}
                    {index > 0 ? (
                      <OpenButton dialog={`dlg-remove-volume-${index}`} class="small" tone="danger">
                        Remove<span class="visually-hidden"> volume {index}</span>
                      </OpenButton>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {editable && main.volumes.length < 16 ? (
        <OpenButton dialog="dlg-add-volume" id="open-add-volume">
          Add a volume
        </OpenButton>
      ) : null}
      {editable ? (
        <>
          <ApiDialog
            id="dlg-add-volume"
            title={`Add a volume to ${main.name}`}
            api={{ method: 'POST', path: base, done: 'Volume added' }}
            submitLabel="Add"
          >
            <Field
              id="add-volume-type"
              name="type"
              label="Type"
              options={[
                { value: 'SSD', label: 'SSD' },
                { value: 'NVMe', label: 'NVMe' },
              ]}
              required
            />
            <Field
              id="add-volume-size"
              name="sizeGb"
              label="Size (GB)"
              numeric
              min={1}
              max={16_384}
              value={40}
              required
            />
            <Field
              id="add-volume-iops"
              name="iops"
              label="IOPS"
              numeric
              min={100}
              max={100_000}
              hint="Default 3000."
            />
            {pair.shadowServer ? (
              <p class="quiet">The shadow server gets the new volume at the next Restart Replication.</p>
            ) : null}
          </ApiDialog>
          {main.volumes.map((volume, index) => (
            <>
              <ApiDialog
                id={`dlg-grow-volume-${index}`}
                title={`Grow volume ${index} of ${main.name}`}
                api={{ method: 'PATCH', path: `${base}/${index}`, done: `Volume ${index} grown` }}
                submitLabel="Grow"
              >
                <Field
                  id={`grow-volume-${index}-size`}
                  name="sizeGb"
                  label="New size (GB)"
                  numeric
                  min={volume.sizeGb}
                  max={16_384}
                  value={volume.sizeGb}
                  hint={`Now ${volume.sizeGb} GB. A volume can only grow.`}
                  required
                />
              </ApiDialog>
              {index > 0 ? (
                <ApiDialog
                  id={`dlg-remove-volume-${index}`}
                  title={`Remove volume ${index} of ${main.name}`}
                  api={{ method: 'DELETE', path: `${base}/${index}`, done: `Volume ${index} removed` }}
                  submitLabel="Remove"
                  tone="danger"
                >
                  <p>
                    The {volume.sizeGb} GB {volume.type} volume {index} is removed; the volumes after it move
                    up one place.
                  </p>
                </ApiDialog>
              ) : null}
            </>
          ))}
        </>
      ) : null}
    </>
  );
}

/** "Change settings": the interval and the shadow's flavor of a running pair. */
export function PairSettingsDialog(props: { pair: DrPair; shadow: Server | null; region: Region | null }) {
  const { pair, shadow, region } = props;
  const interval = pair.replication.intervalHours ?? 1;
  return (
    <ApiDialog
      id="dlg-pair-settings"
      title={`Change settings of ${pair.name}`}
      api={{ method: 'PATCH', path: `/v1/dr-pairs/${enc(pair.id)}`, done: 'Settings changed' }}
      submitLabel="Save"
    >
      <Field
        id="settings-interval"
        name="intervalHours"
        label="Interval time"
        numeric
        options={Array.from({ length: 12 }, (_, i) => ({
          value: String(i + 1),
          label: `${i + 1} hour${i === 0 ? '' : 's'}`,
          selected: i + 1 === interval,
        }))}
        hint="Recovery points follow the new interval from the next one."
        required
      />
      {shadow ? (
        region ? (
          <Field
            id="settings-flavor"
            name="shadowFlavor"
            label="Shadow server flavor"
            options={region.flavors.map((flavor) => ({
              value: flavor.id,
              label: `${flavor.id} (${flavor.vcpus} vCPU, ${flavor.memoryGb} GB)`,
              selected: flavor.id === shadow.flavor,
            }))}
            hint={`The flavors of region ${region.id}.`}
            required
          />
        ) : (
          <Field
            id="settings-flavor"
            name="shadowFlavor"
            label="Shadow server flavor"
            value={shadow.flavor}
            required
          />
        )
      ) : null}
    </ApiDialog>
  );
}
