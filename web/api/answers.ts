// What an API operation answers and takes, read from the generated types (web/api/generated,
// made from each service's OpenAPI document by `npm run types:web`): pages name these instead of
// copying the server's shapes by hand.

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON a path and method answers with `status` (default: its 200 or 201). */
export type Answer<
  Paths,
  P extends keyof Paths,
  M extends keyof Paths[P],
  S extends number = 200 | 201,
> = Paths[P][M] extends { responses: infer R } ? Json<R[S & keyof R]> : never;

/** The JSON body a path and method takes. */
export type Body<Paths, P extends keyof Paths, M extends keyof Paths[P]> = Paths[P][M] extends {
  requestBody?: infer B;
}
  ? Json<NonNullable<B>>
  : never;
