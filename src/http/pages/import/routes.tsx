import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';

/** Admin > Member Management > Import members (CSV upload, preview, apply). */
export function registerImportRoutes(_server: FastifyInstance, _app: App): void {}
