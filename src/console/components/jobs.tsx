/**
 * A pair's jobs, newest first, each with its steps and their logs; the running one open and
 * summarised as "step n of m" where the status is shown.
 */
import type { Job, JobStep } from '../../sim/types.js';
import { formatDuration, formatTime } from '../format.js';
import { ACTION_LABELS } from './pair-actions.js';
import { Empty } from './ui.js';

const JOB_TONES: Record<Job['status'], string> = {
  QUEUED: 'neutral',
  RUNNING: 'busy',
  SUCCEEDED: 'ok',
  FAILED: 'error',
};

export function JobStatus(props: { job: Job }) {
  const tone = JOB_TONES[props.job.status];
  return (
    <span class={`badge badge-small badge-${tone}`}>
      {props.job.status === 'RUNNING' ? <span class="spinner" aria-hidden="true" /> : null}
      {props.job.status.charAt(0) + props.job.status.slice(1).toLowerCase()}
    </span>
  );
}

/** Where a running job is: `Step 3 of 5: restore from recovery point`. */
export function JobProgress(props: { job: Job }) {
  const { steps } = props.job;
  const done = steps.filter((step) => step.status === 'SUCCEEDED' || step.status === 'SKIPPED').length;
  const index = steps.findIndex((step) => step.status === 'RUNNING' || step.status === 'PENDING');
  const current = index === -1 ? undefined : steps[index];
  return (
    <div class="job-progress">
      <progress max={steps.length} value={done} aria-label={`${ACTION_LABELS[props.job.type]} progress`} />
      <span>
        {current
          ? `Step ${index + 1} of ${steps.length}: ${current.name}`
          : `${done} of ${steps.length} steps done`}
      </span>
    </div>
  );
}

export function JobList(props: { jobs: Job[]; currentJobId: string | null }) {
  if (props.jobs.length === 0) return <Empty>No jobs yet.</Empty>;
  return (
    <ol class="job-list">
      {props.jobs.map((job, index) => (
        <li>
          <details class="job" id={`job-${job.id}`} open={job.id === props.currentJobId || index === 0}>
            <summary>
              <span class="job-title">{ACTION_LABELS[job.type]}</span>
              <JobStatus job={job} />
              <span class="quiet">{formatTime(job.createdAt)}</span>
              <span class="mono quiet">{job.id}</span>
            </summary>
            {job.error ? (
              <p class="job-error">
                <strong class="mono">{job.error.code}</strong>: {job.error.message}
              </p>
            ) : null}
            {Object.keys(job.request).length > 0 ? (
              <p class="quiet">
                Request: <code>{JSON.stringify(job.request)}</code>
              </p>
            ) : null}
            <ol class="steps">
              {job.steps.map((step) => (
                <Step step={step} />
              ))}
            </ol>
          </details>
        </li>
      ))}
    </ol>
  );
}

function Step(props: { step: JobStep }) {
  const { step } = props;
  const took =
    step.startedAt && step.endedAt
      ? formatDuration((Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000)
      : null;
  return (
    <li class={`step step-${step.status.toLowerCase()}`}>
      <span class="step-marker" aria-hidden="true" />
      <span class="step-name">{step.name}</span>
      <span class="step-status">{step.status.toLowerCase()}</span>
      <span class="quiet">{step.startedAt ? formatTime(step.startedAt) : ''}</span>
      {took ? <span class="quiet">({took})</span> : null}
      {step.log.length > 0 ? <pre class="step-log">{step.log.join('\n')}</pre> : null}
    </li>
  );
}
