// The instance document (security catalog, configuration, pools, procedures) as one JSON file,
// replaced durably (fsync + rename) on every committed change: after kill -9 it holds the last
// change that reported success, never half of one.
import { existsSync } from 'node:fs';
import type { CatalogStore } from '../../core/engine/executor/ports';
import type { InstanceDocument } from '../../core/engine/executor/document';
import { readJson, writeDurably } from './durableFile';

export class CatalogFileError extends Error {}

export class JsonCatalogStore implements CatalogStore {
  constructor(private readonly path: string) {}

  async load(): Promise<InstanceDocument | null> {
    if (!existsSync(this.path)) return null;
    let document: InstanceDocument;
    try {
      document = readJson<InstanceDocument>(this.path);
    } catch (err) {
      throw new CatalogFileError(`${this.path} is not valid JSON (${(err as Error).message})`);
    }
    if (document.formatVersion !== 1) throw new CatalogFileError(`${this.path} has format ${String(document.formatVersion)}; this sqlml reads format 1`);
    return document;
  }

  async save(document: InstanceDocument): Promise<void> {
    writeDurably(this.path, JSON.stringify(document));
  }
}
