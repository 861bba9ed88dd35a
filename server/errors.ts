/** Thrown for things a person may run into; the error middleware turns them into a page with this status. */
export class HttpError extends Error {
  readonly status: number;
  /** i18n key of the sentence shown to the person. */
  readonly messageKey: string;
  constructor(status: number, messageKey: string) {
    super(messageKey);
    this.status = status;
    this.messageKey = messageKey;
  }
}

export class NotFoundError extends HttpError {
  constructor() {
    super(404, 'errors.notFound');
  }
}

export class ForbiddenError extends HttpError {
  constructor(messageKey = 'errors.forbidden') {
    super(403, messageKey);
  }
}

/** Too many requests from one address: a calm page, with Retry-After saying when to come back. */
export class TooManyRequestsError extends HttpError {
  constructor() {
    super(429, 'errors.tooMany');
  }
}

/** A request no page of ours would send (a form field outside its choices). */
export class BadRequestError extends HttpError {
  constructor() {
    super(400, 'errors.badRequest');
  }
}
