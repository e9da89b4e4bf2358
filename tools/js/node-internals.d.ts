// Types of the private parts of node 24's CommonJS loader and process object that v8snap's JavaScript
// uses (require hook, module registry, sandbox). They are not in @types/node; names and shapes are those
// of node's lib/internal/modules/cjs/loader.js and lib/internal/process.
import 'module';

declare module 'module' {
  namespace Module {
    let _load: (request: string, parent: NodeJS.Module | null | undefined, isMain?: boolean) => any;
    let _resolveFilename: (request: string, parent: NodeJS.Module | null | undefined, isMain?: boolean,
      options?: { paths?: string[] }) => string;
    let _resolveLookupPaths: (request: string, parent: NodeJS.Module | null | undefined) => string[] | null;
    let _nodeModulePaths: (dir: string) => string[];
    let _cache: Record<string, NodeJS.Module>;
    let _extensions: Record<string, (module: NodeJS.Module, filename: string) => void>;
  }
}

declare global {
  /** Only in `v8snap sea` scripts (js/sea-boot.js): replaces argv[1] and serves the SEA's assets. */
  var __v8snap_sea: ((state: any) => boolean) | undefined;
  /** The snapshot's require in library mode (js/loader/boot.js); the embed runtime's sandbox wraps it. */
  var __v8snap_require:
    (((request: string) => any) & { invalidated?: string[]; failedAssumptions?: string[][] }) | undefined;
  namespace NodeJS {
    interface Module {
      _compile(content: string, filename: string): unknown;
    }
    interface Process {
      _kill(pid: number, signal: number | string): void;
      _debugProcess?(pid: number): void;
      _getActiveHandles(): unknown[];
      _getActiveRequests(): unknown[];
      _linkedBinding(name: string): unknown;
      _preload_modules?: string[];
      reallyExit(code?: number): never;
      mainModule?: NodeJS.Module;
    }
  }
}
