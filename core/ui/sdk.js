// @ts-check
/**
 * The browser side of the plugin contract: the one shell module a plugin page imports
 * (`import { api, AcmTable } from 'acm/sdk.js'`), next to `lit`. What is exported here keeps its
 * name and behaviour; the shell's other modules may change without notice.
 *
 * - `<acm-table>` (AcmTable): list with search, sort, pages, column chooser, CSV export, row
 *   actions; see core/ui/table.js for its properties and `Column`.
 * - `<acm-object-form>` (AcmObjectForm): add / view / change form generated from the API's input
 *   schema, field errors from a 422; see core/ui/form.js for its properties and `Section`.
 * - The API helpers of core/ui/api.js.
 */
export { api, ApiError, can, confirmDialog, deviceState, duration, formatDate, humanize, live, notifyChanged, onPluginEvent, toast } from './api.js';
export { AcmTable } from './table.js';
export { AcmObjectForm, clearRefCache, inputSchemas, label } from './form.js';

/** @typedef {import('./table.js').Column} Column */
/** @typedef {import('./form.js').Section} Section */
/** @typedef {import('./form.js').FieldHint} FieldHint */
