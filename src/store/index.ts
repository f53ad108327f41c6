// The store's public face: open a recording file, query its sessions and rows, write rows in batches.

export type { DecodeOptions } from './content-encoding.js';
export {
  contentCoding,
  decodeCoding,
  decodeContentEncoding,
  encodeContentEncoding,
} from './content-encoding.js';
export type { HarExportCounts, HarExportOptions, HarSink } from './har-export.js';
export { HAR_EXPORT_DEFAULTS, writeHar } from './har-export.js';
export type { HarReadOptions, HarSaveOptions } from './har-import.js';
export { HAR_READ_DEFAULTS, HAR_SAVE_DEFAULTS, parseHar, saveHarImport } from './har-import.js';
export type * from './har-types.js';
export type { MigrationContext, MigrationStep } from './migrations.js';
export { migrate, migrate0to1, migrate1to2, STEPS } from './migrations.js';
export type { PackedRows } from './packed-rows.js';
export { packedRowCount, RowPacker, unpackRows } from './packed-rows.js';
export type { RowBatch } from './row-inserter.js';
export type { RowKind, RowKinds, RowValues } from './row-values.js';
export { RowCollector } from './row-values.js';
export { SCHEMA_VERSION } from './schema.js';
export type { LastIds } from './session-ids.js';
export { SessionIds } from './session-ids.js';
export type { SessionWriterOptions } from './session-writer.js';
export { SessionWriter, WRITER_DEFAULTS } from './session-writer.js';
export type { ConnectionOptions, StoreOptions } from './store.js';
export { openStore, STORE_DEFAULTS, Store } from './store.js';
export type * from './types.js';
