// Types of lib.mjs for the TypeScript parts.
import type { ChildProcess } from 'node:child_process';

export interface Row {
  goal: string;
  figure: number | null;
  unit: string;
  floor: number | null;
  floorName?: string;
  ratio?: number | null;
  target: string;
  met: boolean;
  note?: string;
}
export const ROOT: string;
export const HOST: string;
export const quick: boolean;
export function emit(row: Row): void;
export function log(line: string): void;
export function sleep(ms: number): Promise<void>;
export function median(xs: number[]): number;
export function freePort(): Promise<number>;
export function spawnNode(
  args: string[],
  options?: { stdout?: 'ignore' | 'pipe' | 'inherit'; env?: Record<string, string> },
): ChildProcess;
export function drsimServeArgs(db: string, options?: { bin?: string; port?: number | string }): string[];
export function waitFor2xx(url: string, child: ChildProcess, timeoutMs?: number): Promise<void>;
export function spawnServer(
  args: string[],
  health: string,
  timeoutMs?: number,
): Promise<{ child: ChildProcess; url: string }>;
export function stopChild(child: ChildProcess | undefined): Promise<void>;
export function rssMb(pid: number | undefined): number;
export function peakRssMb(pid: number | undefined): number;
export function cpuMs(pid: number | undefined): number;
