// The app's routes and page bundles, from core's route table
// (core/src/route.rs, core/src/bundle.rs) as the reference server prints
// them (`reclaim-server routes --json`): no list of them is kept here, so a
// new route or bundle needs no edit in the browser tests.
import { execFileSync } from 'node:child_process';

export type AppRoute = {
  path: string;
  /** The bundle that serves it (binary, JS and wasm files are named by it). */
  bundle: string;
  html_file: string;
  needs_session: boolean;
  /** What the server answers instead without a session cookie, if anything. */
  signed_out_bundle: string | null;
  signed_out_html_file: string | null;
};
export type AppBundle = { name: string; html_file: string; signed_out_stand_in: string | null };

const server = process.env.RECLAIM_SERVER_BIN ?? 'target/debug/reclaim-server';
const list: { routes: AppRoute[]; bundles: AppBundle[] } = JSON.parse(
  execFileSync(server, ['routes', '--json'], { encoding: 'utf8' }),
);

/** Every route, in core's order (`Route::all`). */
export const ROUTES: AppRoute[] = list.routes;
/** Every bundle's name, in core's order (`Bundle::ALL`). */
export const BUNDLES: string[] = list.bundles.map((b) => b.name);

/** The first route of each bundle: one page per bundle. */
export function oneRoutePerBundle(): AppRoute[] {
  return BUNDLES.map((name) => {
    const route = ROUTES.find((r) => r.bundle === name);
    if (!route) throw new Error(`bundle ${name} serves no route`);
    return route;
  });
}

/** The bundle a browser without a session gets for `path` (the server's
 * signed-out stand-in, or the route's own), or `undefined` for no route. */
export function signedOutBundle(path: string): string | undefined {
  const route = ROUTES.find((r) => r.path === path.replace(/(.)\/$/, '$1'));
  return route && (route.signed_out_bundle ?? route.bundle);
}
