/**
 * Typed errors. Every error the API can answer with is one of these; core/http/problem.ts maps
 * them to application/problem+json in one place.
 */
export interface FieldProblem {
  /** Dotted path of the field, e.g. `extension` or `networks.0`. */
  field: string;
  message: string;
}

export class AcmError extends Error {
  readonly status: number = 500;
  readonly type: string = 'about:blank';
  readonly title: string = 'Internal error';
  constructor(message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AcmError {
  override readonly status = 422;
  override readonly type = 'urn:acm:validation';
  override readonly title = 'Validation failed';
  constructor(readonly problems: FieldProblem[], message?: string) {
    super(message ?? problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
  }
}

export class BadRequestError extends AcmError {
  override readonly status = 400;
  override readonly type = 'urn:acm:bad-request';
  override readonly title = 'Bad request';
}

export class NotFoundError extends AcmError {
  override readonly status = 404;
  override readonly type = 'urn:acm:not-found';
  override readonly title = 'Not found';
}

export class ConflictError extends AcmError {
  override readonly status = 409;
  override readonly type = 'urn:acm:conflict';
  override readonly title = 'Conflict';
}

export class UnauthorizedError extends AcmError {
  override readonly status = 401;
  override readonly type = 'urn:acm:unauthorized';
  override readonly title = 'Unauthorized';
  /** One message for every cause: login failures give no hint. */
  constructor() {
    super('Authentication required');
  }
}

export class ForbiddenError extends AcmError {
  override readonly status = 403;
  override readonly type = 'urn:acm:forbidden';
  override readonly title = 'Forbidden';
}

/** A request body over the route's limit (an upload, a CSV). */
export class PayloadTooLargeError extends AcmError {
  override readonly status = 413;
  override readonly type = 'urn:acm:payload-too-large';
  override readonly title = 'Payload too large';
}

/** A request body of a content type the route does not take. */
export class UnsupportedMediaTypeError extends AcmError {
  override readonly status = 415;
  override readonly type = 'urn:acm:unsupported-media-type';
  override readonly title = 'Unsupported media type';
}

export class TooManyRequestsError extends AcmError {
  override readonly status = 429;
  override readonly type = 'urn:acm:too-many-requests';
  override readonly title = 'Too many requests';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed attempts; try again later', { retryAfter: retryAfterSeconds });
  }
}

/** Configuration is read-only while the license is missing or expired. */
export class LicenseReadOnlyError extends AcmError {
  override readonly status = 403;
  override readonly type = 'urn:acm:license-read-only';
  override readonly title = 'License does not allow configuration changes';
}

/** A plugin or kernel start-up problem; always names the plugins involved. */
export class PluginError extends AcmError {
  override readonly type = 'urn:acm:plugin';
  override readonly title = 'Plugin error';
}
