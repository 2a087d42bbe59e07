/**
 * Case data: what an organisation's reports and events come from (file uploads, the JSON API,
 * API tokens, mapping presets, the import log) and the report categories. Routes call these
 * verbs; the import library (../import) does the reading, staging and merging.
 */
export { importPage, preview, runUpload, rejectedRows } from './upload';
export { handleApiImport } from './api';
export { list as listCategories, update as updateCategory } from './categories';
export { list as listTokens, create as createToken, revoke as revokeToken } from './tokens';
export type { ImportOutcome, Preview } from './upload';
export type { Preset } from './presets';
