/**
 * The OpenAPI 3.1 description of Koers's machine endpoints: the case-data API (`/api/v1/*`,
 * an organisation API key as bearer token) and the idea API (`/api/ideas*`, the signed-in
 * session cookie; the phone's outbox uses it). Request bodies come from the same zod schemas
 * the endpoints validate with, so the description cannot drift from what is accepted; the
 * response schemas below are checked against the real endpoints (tests/api.e2e.ts).
 */
import { z } from 'zod';
import { IDEA_STATUSES } from '$lib/ideas/rules';
import { eventBatch, reportBatch } from '$lib/schemas/case-data';
import { ideaInput } from '$lib/schemas/ideas';

const problem = z.object({ path: z.string(), message: z.string() });

/** The responses, as the endpoints send them (extra fields allowed for later versions). */
export const responses = {
	importResult: z
		.object({
			batchId: z.uuid().nullable().describe('Null when the batch added nothing new'),
			casesAdded: z.int().min(0).describe('New cases; a batch sent again adds none.'),
			eventsAdded: z.int().min(0).describe('New events; a batch sent again adds none.'),
			items: z.int().min(1)
		})
		.loose(),
	apiError: z
		.object({
			error: z.enum(['unauthorized', 'too_large', 'invalid_json', 'invalid']),
			message: z.string(),
			issues: z.array(problem).max(100).optional(),
			issueCount: z.int().optional()
		})
		.loose(),
	ideaError: z.object({
		error: z.string().describe('A key, e.g. idea_body_short'),
		field: z.string().optional(),
		message: z.string().describe("In the user's language")
	}),
	ideaStored: z.object({ id: z.uuid(), created: z.boolean() }),
	votes: z.object({ votes: z.int().min(0), voted: z.boolean() }),
	mine: z.object({
		personId: z.uuid(),
		ideas: z.array(
			z
				.object({
					id: z.uuid(),
					body: z.string(),
					status: z.enum(IDEA_STATUSES),
					votes: z.int().min(0),
					changed: z.boolean()
				})
				.loose()
		)
	}),
	similar: z.object({
		ideas: z.array(
			z.object({
				id: z.uuid(),
				body: z.string(),
				status: z.enum(IDEA_STATUSES),
				votes: z.int().min(0),
				voted: z.boolean(),
				mine: z.boolean()
			})
		)
	}),
	options: z.object({
		teams: z.array(z.object({ id: z.uuid(), name: z.string() })),
		journeys: z.array(z.object({ id: z.uuid(), name: z.string(), teamId: z.uuid() })),
		touchpoints: z.array(z.object({ id: z.uuid(), name: z.string(), journeyId: z.uuid() }))
	}),
	signedOut: z.object({ error: z.literal('idea_signed_out') }).loose()
};
type ResponseName = keyof typeof responses;

const schema = (s: z.ZodType, io: 'input' | 'output') =>
	z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const body = (name: ResponseName) => ({
	'application/json': { schema: { $ref: `#/components/schemas/${name}` } }
});
const answer = (description: string, name?: ResponseName) =>
	name ? { description, content: body(name) } : { description };

const apiImport = (what: 'reports' | 'events', batch: z.ZodType) => ({
	post: {
		operationId: `import${what[0].toUpperCase()}${what.slice(1)}`,
		summary: `Send a batch of ${what === 'reports' ? 'reports (one row per case)' : 'case events'}`,
		description:
			'Validated whole: one bad item and nothing is stored. Idempotent: sending a batch again adds nothing.',
		security: [{ apiKey: [] }],
		requestBody: {
			required: true,
			content: { 'application/json': { schema: schema(batch, 'input') } }
		},
		responses: {
			'200': answer('Stored (or already stored)', 'importResult'),
			'400': answer('Invalid JSON or items; nothing stored', 'apiError'),
			'401': answer('No valid API key', 'apiError'),
			'413': answer('Body over 20 MB', 'apiError')
		}
	}
});

const signedIn = [{ session: [] }];
const idParam = {
	name: 'id',
	in: 'path',
	required: true,
	schema: { type: 'string', format: 'uuid' }
};
const signedOut = answer('Not signed in', 'signedOut');

/** Documented operations: path → methods (the test compares them with the route files). */
export function openApiDocument(origin = '') {
	const ideaJson = {
		...schema(ideaInput, 'input'),
		properties: {
			...(schema(ideaInput, 'input').properties as object),
			photo: { type: 'string', contentEncoding: 'base64', description: 'JPEG, PNG or WebP' }
		}
	};
	return {
		openapi: '3.1.0',
		info: {
			title: 'Koers API',
			version: '1',
			description:
				'Case data in (/api/v1, with an organisation API key) and ideas from phones (/api/ideas, signed in).'
		},
		servers: origin ? [{ url: origin }] : [],
		components: {
			securitySchemes: {
				apiKey: {
					type: 'http',
					scheme: 'bearer',
					description:
						'An organisation API key (koers_…), made by an admin under Beheer → API-sleutels.'
				},
				session: { type: 'apiKey', in: 'cookie', name: 'koers_session' }
			},
			schemas: Object.fromEntries(
				Object.entries(responses).map(([name, s]) => [name, schema(s, 'output')])
			)
		},
		paths: {
			'/api/v1/reports': apiImport('reports', reportBatch),
			'/api/v1/events': apiImport('events', eventBatch),
			'/api/ideas': {
				post: {
					operationId: 'submitIdea',
					summary: 'Send in an idea (the id is made on the phone, so a retry stores it once)',
					security: signedIn,
					requestBody: {
						required: true,
						content: {
							'application/json': { schema: ideaJson },
							'multipart/form-data': { schema: ideaJson }
						}
					},
					responses: {
						'201': answer('Stored', 'ideaStored'),
						'200': answer('Stored before (a retry)', 'ideaStored'),
						'400': answer('Invalid', 'ideaError'),
						'401': answer('Not signed in', 'ideaError'),
						'409': answer('The id belongs to another idea', 'ideaError'),
						'413': answer('Too large', 'ideaError'),
						'415': answer('Neither JSON nor multipart', 'ideaError')
					}
				}
			},
			'/api/ideas/mine': {
				get: {
					operationId: 'myIdeas',
					summary: "The signed-in person's ideas (marks them seen)",
					security: signedIn,
					responses: { '200': answer('Ideas', 'mine'), '401': signedOut }
				}
			},
			'/api/ideas/options': {
				get: {
					operationId: 'ideaOptions',
					summary: 'Teams, journeys and touchpoints an idea can be about',
					security: signedIn,
					responses: { '200': answer('Choices', 'options'), '401': signedOut }
				}
			},
			'/api/ideas/similar': {
				get: {
					operationId: 'similarIdeas',
					summary: 'Up to five ideas like a text being typed',
					security: signedIn,
					parameters: [
						{ name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 2000 } }
					],
					responses: { '200': answer('Ideas', 'similar'), '401': signedOut }
				}
			},
			'/api/ideas/{id}/vote': Object.fromEntries(
				(['post', 'delete'] as const).map((method) => [
					method,
					{
						operationId: method === 'post' ? 'supportIdea' : 'withdrawSupport',
						summary: method === 'post' ? 'Support an idea (once)' : 'Take support back',
						security: signedIn,
						parameters: [idParam],
						responses: {
							'200': answer('The idea’s support now', 'votes'),
							'401': signedOut,
							'404': answer('No such idea')
						}
					}
				])
			),
			'/api/ideas/{id}/photo': {
				get: {
					operationId: 'ideaPhoto',
					summary: "An idea's photo",
					security: signedIn,
					parameters: [idParam],
					responses: {
						'200': {
							description: 'The image',
							content: { 'image/*': { schema: { type: 'string', format: 'binary' } } }
						},
						'401': answer('Not signed in'),
						'404': answer('No photo')
					}
				}
			}
		}
	};
}
