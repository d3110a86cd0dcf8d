// The support side of the e2e tests: the reference server's operator commands
// run against the same database the test server uses.
import { execFileSync } from 'node:child_process';

function run(args: string[]): string {
  return execFileSync(process.env.RECLAIM_SERVER_BIN!, [...args, '--database', process.env.E2E_DATABASE!], {
    encoding: 'utf8',
  });
}

/** Ids of every stored request whose username is `username`. */
export function requestIdsFor(username: string): string[] {
  return run(['requests', 'list', '--all'])
    .split('\n')
    .filter((line) => line.split(/\s+/)[3] === username)
    .map((line) => line.split(/\s+/)[0]);
}

/** Every field and the timeline of one request, as the operator sees it. */
export function showRequest(id: string): string {
  return run(['requests', 'show', id]);
}

export function setStatus(id: string, status: string, note: string): void {
  run(['requests', 'set-status', id, status, '--note', note]);
}
