/** The API's OpenAPI 3.1 document, generated from the routes' zod schemas. */
import { z } from 'zod'
import type { Route } from './server.ts'

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.array(z.string())).optional()
  })
})

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' })
}

export function buildOpenApi(routes: readonly Route[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}')
    const params: unknown[] = []
    for (const m of r.path.matchAll(/:(\w+)/g)) {
      params.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })
    }
    if (r.query) {
      const js = jsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] }
      for (const [name, schema] of Object.entries(js.properties ?? {})) {
        params.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema })
      }
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
      parameters: params,
      security: r.auth ? [{ bearer: [] }] : [],
      responses: {
        '2XX': { description: 'Success' },
        default: {
          description: 'A typed error',
          content: { 'application/json': { schema: jsonSchema(ErrorBody) } }
        }
      }
    }
    if (r.body)
      op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } }
    else if (r.bodyType) {
      op.requestBody = {
        required: true,
        content: { [r.bodyType]: { schema: { type: 'string', format: 'binary' } } }
      }
    }
    ;(paths[path] ??= {})[r.method.toLowerCase()] = op
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Musette local API',
      version,
      description: 'The API of one Musette node, on 127.0.0.1 only. See docs/API.md.'
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths
  }
}
