import { z } from 'zod';
import type { ResourceDef } from '../model/resources.ts';
import { ListQuery } from '../model/schemas.ts';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const problem = { $ref: '#/components/schemas/Problem' };
const errors = {
  400: { description: 'Bad request', content: { 'application/problem+json': { schema: problem } } },
  401: { description: 'Not logged in', content: { 'application/problem+json': { schema: problem } } },
  403: { description: 'Not allowed, or configuration read-only under the license', content: { 'application/problem+json': { schema: problem } } },
  404: { description: 'Not found', content: { 'application/problem+json': { schema: problem } } },
  422: { description: 'Validation failed: `problems` names each bad field', content: { 'application/problem+json': { schema: problem } } },
};

/** OpenAPI 3.1, generated from the same zod schemas that validate requests. */
export function openApiDocument(resources: ResourceDef[], version: string, extraPaths: Record<string, unknown> = {}): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Problem: {
      type: 'object',
      properties: {
        type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
        problems: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  };
  const listParams = Object.entries((json(ListQuery) as { properties: Record<string, unknown> }).properties)
    .map(([name, schema]) => ({ name, in: 'query', schema }));
  for (const r of resources) {
    const input = r.schemaName;
    schemas[input] = json(r.input);
    const ref = { $ref: `#/components/schemas/${input}` };
    schemas[`${input}Patch`] = patchSchema(schemas[input] as JsonObject);
    const patchRef = { $ref: `#/components/schemas/${input}Patch` };
    const body = { required: true, content: { 'application/json': { schema: ref } } };
    const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }];
    const tag = [r.owner === 'core' ? r.name : `${r.owner}.${r.name}`];
    paths[r.path] = {
      get: {
        tags: tag, summary: `List ${r.name}`, description: `Search (q: ${r.search.join(', ')}), sort by any column (-col descending), paginate.`,
        parameters: [...listParams, ...r.filters.map((f) => ({ name: f, in: 'query', schema: { type: 'integer' } }))],
        responses: { 200: { description: '{items,total,page,pageSize}' }, ...errors },
      },
      post: { tags: tag, summary: `Create a ${r.singular}`, requestBody: body, responses: { 201: { description: 'Created, with its id' }, ...errors } },
    };
    paths[`${r.path}/{id}`] = {
      get: { tags: tag, parameters: idParam, responses: { 200: { description: `The ${r.singular}` }, ...errors } },
      put: {
        tags: tag, parameters: idParam, summary: `Change the fields the body names; the others keep their stored values`,
        requestBody: { required: true, content: { 'application/json': { schema: patchRef } } }, responses: { 200: { description: 'Updated' }, ...errors },
      },
      delete: { tags: tag, parameters: idParam, responses: { 204: { description: 'Deleted' }, ...errors } },
    };
    paths[`${r.path}/{id}/copy`] = {
      post: {
        tags: tag, summary: `Copy a ${r.singular}; the body overrides fields`, parameters: idParam,
        requestBody: { content: { 'application/json': { schema: patchRef } } }, responses: { 201: { description: 'The copy' }, ...errors },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'acm — Asterisk Cluster Manager', version },
    paths: { ...paths, ...extraPaths },
    components: {
      schemas,
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'acm_session' }, token: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ session: [] }, { token: [] }],
  };
}

type JsonObject = Record<string, unknown>;

/**
 * The body of a PUT or copy: the same fields, none required, and no defaults (a field left out
 * keeps its stored value, it is not reset to the schema's default).
 */
function patchSchema(full: JsonObject): JsonObject {
  const props = Object.fromEntries(Object.entries((full.properties ?? {}) as Record<string, JsonObject>).map(([k, v]) => {
    const { default: _default, ...rest } = v;
    return [k, rest];
  }));
  const { required: _required, ...rest } = full;
  return { ...rest, properties: props };
}
