/** Where in a request a field lives. */
export const FIELD_LOCATIONS = ["body", "query", "path", "header"] as const;

/** A problem with one field of the caller's input, reported back as-is. */
export interface FieldError {
  path: string;
  message: string;
  location?: (typeof FIELD_LOCATIONS)[number];
}

/** Errors the domain raises; one table at the HTTP edge turns each into its status. */
export abstract class DomainError extends Error {}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super(`No ${entity} with id '${id.slice(0, 64)}'.`);
  }
}

/** Understood but not acceptable: a field is invalid, or the request contradicts stored state. */
export class InvalidInputError extends DomainError {
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class ConflictError extends DomainError {}

/** No usable credentials: missing, malformed, unknown or revoked. `reason` feeds WWW-Authenticate. */
export class UnauthenticatedError extends DomainError {
  constructor(
    message: string,
    readonly reason: "missing" | "invalid_request" | "invalid_token",
    /**
     * Where OAuth is offered (/mcp): the protected-resource metadata (RFC 9728 §5.1) and the scopes
     * to ask for (RFC 6750 §3) that the challenge names.
     */
    readonly oauth?: { resourceMetadata: string; scope: string },
  ) {
    super(message);
  }
}

/** Authenticated, but the key lacks the scope the route needs. */
export class ForbiddenError extends DomainError {}

/** The caller's copy is stale: `If-Match` named a version that is no longer current. */
export class PreconditionFailedError extends DomainError {}

/** The caller asked for history that has been pruned. */
export class GoneError extends DomainError {}

/** A dependency (the database) cannot serve the request now; the caller should retry shortly. */
export class UnavailableError extends DomainError {}

/** The operator has not configured what the request needs (a secret, say): no retry helps until they do. */
export class UnconfiguredError extends DomainError {
  constructor(
    readonly feature: string,
    message: string,
  ) {
    super(message);
  }
}
