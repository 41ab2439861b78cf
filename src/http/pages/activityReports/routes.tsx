import type { FastifyInstance } from 'fastify';
import type { App } from '../../../app.ts';

// Placeholder: this area's pages are being built.
export function registerActivityReportsRoutes(_server: FastifyInstance, _app: App): void {}
