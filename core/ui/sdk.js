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
 * - `<acm-resource-page>` (AcmResourcePage): the whole page of one resource declared with the
 *   SDK's kit (sdk/resources.ts) — list, add, view, change, copy, delete — given a `def`
 *   (core/ui/resource-page.js `ResourceDef`: `path`, `route`, `schema`, `columns`, …); a plugin
 *   page that is only a resource extends it and sets `def`. The shell hands a plugin page the
 *   rest of its route as `sub` (`#/speed-dials/5/edit` → `5/edit`).
 * - The API helpers of core/ui/api.js; `clusterName(row)`: the name of `row.clusterId` on a
 *   page that extends AcmResourcePage (which loads the names), else the id.
 */
export { api, ApiError, can, confirmDialog, deviceState, duration, formatDate, humanize, live, notifyChanged, onPluginEvent, toast } from './api.js';
export { AcmTable } from './table.js';
export { AcmResourcePage, clusterName } from './resource-page.js';
export { AcmObjectForm, clearRefCache, inputSchemas, label } from './form.js';

/** @typedef {import('./table.js').Column} Column */
/** @typedef {import('./form.js').Section} Section */
/** @typedef {import('./form.js').FieldHint} FieldHint */
/** @typedef {import('./resource-page.js').ResourceDef} ResourceDef */
