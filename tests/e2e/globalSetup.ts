import { rm } from 'node:fs/promises';
import { createDataDirTemplate } from '../dataDirTemplate.ts';

/**
 * Migrates one embedded database before the browser tests; each test's portal starts on a copy of it
 * (portal.ts) instead of creating and migrating a database of its own, which took most of a test's time.
 * Workers inherit the environment set here.
 */
export default async function globalSetup() {
  const template = await createDataDirTemplate();
  process.env.GATEHOUSE_E2E_DATA_DIR_TEMPLATE = template;
  return () => rm(template, { recursive: true, force: true });
}
