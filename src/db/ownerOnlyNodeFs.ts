import { NodeFS } from '@electric-sql/pglite/nodefs';

type InitArgs = Parameters<NodeFS['init']>;
type PreRun = NonNullable<Awaited<ReturnType<NodeFS['init']>>['emscriptenOpts']['preRun']>[number];
type Module = Parameters<PreRun>[0];

/**
 * PGlite's file system in a directory, with every file it creates readable by the owner only.
 *
 * PGlite's Emscripten layer creates each file and then chmods it to the mode PostgreSQL asked for, which
 * reaches it as 0666 (Emscripten's own umask is 0): the process umask never gets a say, and WAL segments and
 * table files came out world-readable. Masking that chmod is the one place that covers every file PGlite
 * will ever create, including the ones written long after start-up.
 */
export class OwnerOnlyNodeFS extends NodeFS {
  override async init(...[pg, opts]: InitArgs) {
    const { emscriptenOpts } = await super.init(pg, opts);
    const ownerOnly = (mod: Module) => {
      const chmod = mod.FS.chmod.bind(mod.FS);
      mod.FS.chmod = (path: string, mode: number, dontFollow?: boolean) =>
        chmod(path, mode & ~0o077, dontFollow);
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), ownerOnly] } };
  }
}
